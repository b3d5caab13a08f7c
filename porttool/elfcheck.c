// SPDX-License-Identifier: GPL-2.0
/*
 * ELF inspection with libelf: sections, symbols, bytes at an address and
 * undefined references.  check uses it on vmlinux and on the corevisor;
 * boot uses it to make sure the busybox it puts in the initramfs is a
 * static aarch64 binary.
 */
#include "elfcheck.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct elf_file {
	char *path;
	int fd;
	Elf *elf;
	GElf_Ehdr ehdr;
	size_t shstrndx;
};

struct elf_file *elf_file_open(const char *path)
{
	struct elf_file *ef;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		error("libelf is too old: %s", elf_errmsg(-1));
		return NULL;
	}
	ef = xcalloc(1, sizeof(*ef));
	ef->path = xstrdup(path);
	ef->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (ef->fd < 0) {
		error("cannot open %s: %s", path, strerror(errno));
		goto fail;
	}
	ef->elf = elf_begin(ef->fd, ELF_C_READ, NULL);
	if (!ef->elf || elf_kind(ef->elf) != ELF_K_ELF) {
		error("%s is not an ELF file%s%s", path,
		      ef->elf ? "" : ": ", ef->elf ? "" : elf_errmsg(-1));
		goto fail;
	}
	if (!gelf_getehdr(ef->elf, &ef->ehdr) ||
	    elf_getshdrstrndx(ef->elf, &ef->shstrndx)) {
		error("%s: broken ELF header: %s", path, elf_errmsg(-1));
		goto fail;
	}
	return ef;
fail:
	elf_file_close(ef);
	return NULL;
}

void elf_file_close(struct elf_file *ef)
{
	if (!ef)
		return;
	if (ef->elf)
		elf_end(ef->elf);
	if (ef->fd >= 0)
		close(ef->fd);
	free(ef->path);
	free(ef);
}

const char *elf_file_path(const struct elf_file *ef)
{
	return ef->path;
}

int elf_file_machine(const struct elf_file *ef)
{
	return ef->ehdr.e_machine;
}

bool elf_file_has_interp(const struct elf_file *ef)
{
	size_t n = 0;
	GElf_Phdr ph;

	if (elf_getphdrnum(ef->elf, &n))
		return false;
	for (size_t i = 0; i < n; i++)
		if (gelf_getphdr(ef->elf, (int)i, &ph) && ph.p_type == PT_INTERP)
			return true;
	return false;
}

static const char *section_name(struct elf_file *ef, const GElf_Shdr *sh)
{
	const char *name = elf_strptr(ef->elf, ef->shstrndx, sh->sh_name);

	return name ? name : "";
}

int elf_find_section(struct elf_file *ef, const char *name,
		     struct elf_section_info *info)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(ef->elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || strcmp(section_name(ef, &sh), name))
			continue;
		snprintf(info->name, sizeof(info->name), "%s", name);
		info->addr = sh.sh_addr;
		info->size = sh.sh_size;
		info->offset = sh.sh_offset;
		info->type = sh.sh_type;
		return 0;
	}
	return -1;
}

static Elf_Scn *find_symtab(struct elf_file *ef, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(ef->elf, scn)))
		if (gelf_getshdr(scn, sh) && sh->sh_type == SHT_SYMTAB)
			return scn;
	return NULL;
}

int elf_find_symbol(struct elf_file *ef, const char *name, uint64_t *value)
{
	GElf_Shdr sh;
	Elf_Scn *scn = find_symtab(ef, &sh);
	Elf_Data *data = scn ? elf_getdata(scn, NULL) : NULL;
	size_t n = data && sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
	GElf_Sym sym;

	for (size_t i = 1; i < n; i++) {
		const char *s;

		if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx == SHN_UNDEF)
			continue;
		s = elf_strptr(ef->elf, sh.sh_link, sym.st_name);
		if (s && !strcmp(s, name)) {
			*value = sym.st_value;
			return 0;
		}
	}
	return -1;
}

int elf_read_vaddr(struct elf_file *ef, uint64_t addr, void *buf, size_t size)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(ef->elf, scn))) {
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    !(sh.sh_flags & SHF_ALLOC) || addr < sh.sh_addr ||
		    addr + size > sh.sh_addr + sh.sh_size)
			continue;
		data = elf_rawdata(scn, NULL);
		if (!data || !data->d_buf || data->d_size < sh.sh_size) {
			error("%s: cannot read section %s: %s", ef->path,
			      section_name(ef, &sh), elf_errmsg(-1));
			return -1;
		}
		memcpy(buf, (const char *)data->d_buf + (addr - sh.sh_addr), size);
		return 0;
	}
	error("%s: no section holds 0x%llx..0x%llx", ef->path,
	      (unsigned long long)addr, (unsigned long long)(addr + size));
	return -1;
}

static bool symbol_undefined(struct elf_file *ef, Elf_Data *symdata,
			     size_t link, size_t idx, const char **name)
{
	GElf_Sym sym;

	if (!gelf_getsym(symdata, (int)idx, &sym))
		return false;
	*name = elf_strptr(ef->elf, link, sym.st_name);
	if (!*name)
		*name = "";
	return sym.st_shndx == SHN_UNDEF;
}

/* Every relocation of one REL/RELA section whose symbol is undefined. */
static void scan_relocs(struct elf_file *ef, Elf_Scn *scn, const GElf_Shdr *sh,
			struct strlist *bad)
{
	Elf_Scn *symscn = elf_getscn(ef->elf, sh->sh_link);
	GElf_Shdr symsh;
	Elf_Data *data = elf_getdata(scn, NULL), *symdata;
	size_t n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;

	if (!symscn || !gelf_getshdr(symscn, &symsh) || !data)
		return;
	symdata = elf_getdata(symscn, NULL);
	for (size_t i = 0; i < n && symdata; i++) {
		GElf_Rela rela;
		GElf_Rel rel;
		uint64_t info, off;
		const char *name;

		if (sh->sh_type == SHT_RELA && gelf_getrela(data, (int)i, &rela)) {
			info = rela.r_info;
			off = rela.r_offset;
		} else if (sh->sh_type == SHT_REL && gelf_getrel(data, (int)i, &rel)) {
			info = rel.r_info;
			off = rel.r_offset;
		} else {
			continue;
		}
		if (GELF_R_SYM(info) &&
		    symbol_undefined(ef, symdata, symsh.sh_link, GELF_R_SYM(info), &name)) {
			char *s = xasprintf("%s+0x%llx -> %s", section_name(ef, sh),
					    (unsigned long long)off, *name ? name : "?");

			strlist_push(bad, s);
			free(s);
		}
	}
}

int elf_undefined_refs(struct elf_file *ef, struct strlist *undef,
		       struct strlist *bad_relocs)
{
	GElf_Shdr sh;
	Elf_Scn *scn = find_symtab(ef, &sh);

	if (scn) {
		Elf_Data *data = elf_getdata(scn, NULL);
		size_t n = data && sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
		const char *name;

		for (size_t i = 1; i < n; i++)
			if (symbol_undefined(ef, data, sh.sh_link, i, &name))
				strlist_push(undef, *name ? name : "(unnamed)");
	}
	scn = NULL;
	while ((scn = elf_nextscn(ef->elf, scn)))
		if (gelf_getshdr(scn, &sh) &&
		    (sh.sh_type == SHT_RELA || sh.sh_type == SHT_REL))
			scan_relocs(ef, scn, &sh, bad_relocs);
	return 0;
}

uint64_t elf_section_bytes(struct elf_file *ef, const char *prefix)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	uint64_t total = 0;
	size_t len = strlen(prefix);

	while ((scn = elf_nextscn(ef->elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC))
			continue;
		name = section_name(ef, &sh);
		/* ".data" counts ".data" and ".data.*", not ".data_rel" */
		if (!strncmp(name, prefix, len) && (!name[len] || name[len] == '.'))
			total += sh.sh_size;
	}
	return total;
}
