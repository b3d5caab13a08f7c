/* SPDX-License-Identifier: GPL-2.0 */
/* ELF inspection (elfcheck.c). */
#ifndef PORTTOOL_ELFCHECK_H
#define PORTTOOL_ELFCHECK_H

#include "porttool.h"

#include <stdint.h>

struct elf_section_info {
	char name[64];
	uint64_t addr, size, offset;
	uint32_t type;
};

struct elf_file;
struct elf_file *elf_file_open(const char *path);
void elf_file_close(struct elf_file *ef);
const char *elf_file_path(const struct elf_file *ef);
int elf_file_machine(const struct elf_file *ef);
bool elf_file_has_interp(const struct elf_file *ef);
int elf_find_section(struct elf_file *ef, const char *name,
		     struct elf_section_info *info);
/* Value of a defined symbol; returns 0 or -1 when absent. */
int elf_find_symbol(struct elf_file *ef, const char *name, uint64_t *value);
/* Copy size bytes at virtual address addr (from PROGBITS sections). */
int elf_read_vaddr(struct elf_file *ef, uint64_t addr, void *buf, size_t size);
/*
 * Undefined symbols (other than the null symbol), and relocations whose
 * symbol is undefined, are appended to the lists as readable strings.
 */
int elf_undefined_refs(struct elf_file *ef, struct strlist *undef,
		       struct strlist *bad_relocs);
/* Sum of the sizes of sections whose name starts with prefix. */
uint64_t elf_section_bytes(struct elf_file *ef, const char *prefix);

#endif
