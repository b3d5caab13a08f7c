# SeKVM portable: top-level build.
#   make          build porttool (porttool/porttool) and the corevisor
#   make test     run every test this machine can run
#   make install  install porttool into $(PREFIX)/bin
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

.PHONY: all porttool corevisor test install clean
