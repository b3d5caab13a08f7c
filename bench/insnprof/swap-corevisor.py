#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A SeKVM build with another corevisor of the same size, without a rebuild.

swap-corevisor.py BUILD_DIR NEW_COREVISOR_BIN OUT_DIR

Writes OUT_DIR/arch/arm64/boot/Image: BUILD_DIR's Image with the
corevisor.bin embedded in it (BUILD_DIR/arch/arm64/kvm/sekvm/corevisor.bin,
found byte for byte, exactly once) replaced by NEW_COREVISOR_BIN, and the
files 'porttool bench' reads beside it.  The kernel .incbin's the blob as
is, so for a corevisor of the same size this is the Image a relink gives
(but for the kernel's build number and date).  Measuring corevisor
variants so takes seconds instead of a kernel link on a loaded machine;
the final figures should still come from a real 'porttool build'.
"""
import os
import shutil
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.split('\n\n')[1])
    build, new_bin, out = sys.argv[1:]
    image = open(os.path.join(build, 'arch/arm64/boot/Image'), 'rb').read()
    old = open(os.path.join(build, 'arch/arm64/kvm/sekvm/corevisor.bin'), 'rb').read()
    new = open(new_bin, 'rb').read()
    if len(old) != len(new):
        sys.exit('swap-corevisor.py: %s is %d bytes, the build\'s corevisor %d: '
                 'only a corevisor of the same size can be swapped in' %
                 (new_bin, len(new), len(old)))
    at = image.find(old)
    if at < 0 or image.find(old, at + 1) >= 0:
        sys.exit('swap-corevisor.py: the build\'s corevisor.bin is %s in its Image' %
                 ('not' if at < 0 else 'more than once'))
    os.makedirs(os.path.join(out, 'arch/arm64/boot'), exist_ok=True)
    os.makedirs(os.path.join(out, 'arch/arm64/kvm/sekvm'), exist_ok=True)
    with open(os.path.join(out, 'arch/arm64/boot/Image'), 'wb') as f:
        f.write(image[:at] + new + image[at + len(old):])
    shutil.copy(new_bin, os.path.join(out, 'arch/arm64/kvm/sekvm/corevisor.bin'))
    for name in ('porttool-build.conf', 'System.map'):
        if os.path.exists(os.path.join(build, name)):
            shutil.copy(os.path.join(build, name), os.path.join(out, name))
    print('corevisor swapped at offset %#x of the Image' % at)


if __name__ == '__main__':
    main()
