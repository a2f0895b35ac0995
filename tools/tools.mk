# Host tools (included by the top Makefile, which defines B and CC).
#
#   make initramfs   $(B)/rootfs.cpio.gz, the default busybox userland
#                    (tools/mkinitramfs.sh; see the comment at its top)
#   make tools       the host-side helper programs

MKINITRAMFS ?= tools/mkinitramfs.sh
# Debian's busybox-static; the image is rebuilt when it is upgraded.
INITRAMFS_BUSYBOX := $(wildcard /bin/busybox)

initramfs: $(B)/rootfs.cpio.gz

$(B)/rootfs.cpio.gz: $(MKINITRAMFS) $(INITRAMFS_BUSYBOX)
	@mkdir -p $(dir $@)
	sh $(MKINITRAMFS) $@

# Host helper programs (tools/uml_mkcow and the like) will be listed here.
tools:

.PHONY: initramfs tools
