# SeKVM portable: top-level build.
#   make          build porttool (porttool/porttool) and the corevisor
#   make test     run every test this machine can run
#   make install  install porttool into $(PREFIX)/bin
#   make bench    porttool apply/rebase against git am/rebase (bench/)
PREFIX ?= /usr/local

all: porttool corevisor

porttool:
	$(MAKE) -C porttool PROJECT_DIR=$(CURDIR)

corevisor:
	$(MAKE) -C corevisor

test: all
	ci/test.sh

install: porttool
	install -D -m 0755 porttool/porttool $(DESTDIR)$(PREFIX)/bin/porttool

clean:
	$(MAKE) -C porttool clean
	$(MAKE) -C corevisor clean

# Benchmarks against git on the real 5.10 tree (bench/README.md).
bench: porttool
	bench/apply.sh
	bench/rebase.sh
	bench/guest.sh

.PHONY: all porttool corevisor test install clean bench
