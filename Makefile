# SeKVM portable: top-level build.
#   make          build porttool (porttool/porttool) and the corevisor
#   make test     run every test this machine can run
#   make test-ports  every kernel line's chain, the Debian lines
#                 downloading their trees (ci/test-ports.sh)
#   make install  install porttool into $(PREFIX)/bin
#   make bench    porttool apply/rebase against git am/rebase, and a
#                 guest under SeKVM against stock KVM (bench/)
PREFIX ?= /usr/local

all: porttool corevisor

porttool:
	$(MAKE) -C porttool PROJECT_DIR=$(CURDIR)

corevisor:
	$(MAKE) -C corevisor

test: all
	ci/test.sh

test-ports: all
	ci/test-ports.sh

install: porttool
	install -D -m 0755 porttool/porttool $(DESTDIR)$(PREFIX)/bin/porttool

clean:
	$(MAKE) -C porttool clean
	$(MAKE) -C corevisor clean

# Benchmarks, each against the nearest alternative (bench/README.md):
# porttool against git on the real 5.10 tree, SeKVM against stock KVM.
bench: porttool
	bench/apply.sh
	bench/rebase.sh
	bench/guest.sh

.PHONY: all porttool corevisor test test-ports install clean bench
