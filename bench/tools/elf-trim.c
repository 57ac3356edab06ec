// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-elf-trim: a copy of an x86-64 ELF kernel (vmlinux) without the
 * zero bytes at the end of its loadable segments, for the guest to kexec.
 *
 * usage: lubench-elf-trim IN OUT
 *
 * The vmlinux unpacked from a bzImage stores .bss and the zeroed scratch
 * area after it as file bytes (its last PT_LOAD has p_filesz == p_memsz,
 * about 23 MB of zeros for Debian's 6.1).  Every kexec in the guest copies
 * the file several times (into the next initramfs, into kexec's segments,
 * to its final place), all under emulation.  A segment's memory beyond
 * p_filesz is zero-filled by the loader (kexec_load zeroes a segment past
 * its buffer), so cutting p_filesz to the last non-zero byte loads the
 * same memory from a smaller file.  Segments are laid out again back to
 * back (offsets kept congruent to their addresses modulo the page size),
 * notes inside a segment follow it, and the section headers, which no
 * loader reads, are dropped.  Exit: 0, 1 on a write error, 2 on bad input.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE		4096ull
/* Larger than any kernel image this suite kexecs. */
#define MAX_IMAGE	(512ull << 20)

static void bad(const char *file, const char *why)
{
	fprintf(stderr, "lubench-elf-trim: %s: %s\n", file, why);
	exit(2);
}

static unsigned char *slurp(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	unsigned char *buf;
	long n;

	if (!f)
		bad(file, strerror(errno));
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		bad(file, "not a regular file");
	if ((unsigned long long)n > MAX_IMAGE)
		bad(file, "larger than 512 MiB");
	buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != (size_t)n)
		bad(file, "cannot read");
	fclose(f);
	*len = n;
	return buf;
}

/* The ELF header and program headers, checked against the file size. */
static Elf64_Phdr *phdrs(const char *file, unsigned char *img, size_t len)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	uint64_t end;
	unsigned int i;
	Elf64_Phdr *ph;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_X86_64)
		bad(file, "not a little-endian x86-64 ELF file");
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || !eh->e_phnum ||
	    eh->e_phoff < sizeof(*eh) ||
	    eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > len)
		bad(file, "program headers out of the file");
	ph = (Elf64_Phdr *)(img + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		end = ph[i].p_offset + ph[i].p_filesz;
		if (end < ph[i].p_offset || end > len)
			bad(file, "a segment lies past the end of the file");
		if (ph[i].p_type == PT_LOAD && ph[i].p_filesz > ph[i].p_memsz)
			bad(file, "a segment's file size exceeds its memory size");
	}
	return ph;
}

/* The index of the PT_LOAD whose file bytes hold [off, off + n), or -1. */
static int holder(const Elf64_Phdr *ph, unsigned int nr, uint64_t off,
		  uint64_t n)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (ph[i].p_type == PT_LOAD && off >= ph[i].p_offset &&
		    off + n <= ph[i].p_offset + ph[i].p_filesz)
			return i;
	return -1;
}

int main(int argc, char **argv)
{
	Elf64_Phdr *ph, *nph;
	Elf64_Ehdr *eh;
	unsigned char *img, *out;
	uint64_t pos, *newoff;
	size_t len;
	unsigned int i, nr;
	FILE *f;

	if (argc != 3 || argv[1][0] == '-') {
		fprintf(stderr, "usage: lubench-elf-trim IN OUT\n");
		return 2;
	}
	img = slurp(argv[1], &len);
	ph = phdrs(argv[1], img, len);
	eh = (Elf64_Ehdr *)img;
	nr = eh->e_phnum;
	nph = calloc(nr, sizeof(*nph));
	newoff = calloc(nr, sizeof(*newoff));
	out = calloc(1, len);
	if (!nph || !newoff || !out)
		bad(argv[1], "out of memory");

	pos = sizeof(*eh) + nr * sizeof(Elf64_Phdr);
	for (i = 0; i < nr; i++) {
		uint64_t n = ph[i].p_filesz;

		nph[i] = ph[i];
		if (ph[i].p_type != PT_LOAD)
			continue;
		while (n && !img[ph[i].p_offset + n - 1])
			n--;
		/* Same offset as the address modulo a page, as loaders expect. */
		pos += (ph[i].p_vaddr - pos) & (PAGE - 1);
		if (pos + n > len)
			bad(argv[1], "segments overlap");
		newoff[i] = pos;
		nph[i].p_offset = pos;
		nph[i].p_filesz = n;
		if (nph[i].p_align > PAGE)
			nph[i].p_align = PAGE;
		memcpy(out + pos, img + ph[i].p_offset, n);
		pos += n;
	}
	/* Notes and the like move with the segment that holds them. */
	for (i = 0; i < nr; i++) {
		int h;

		if (ph[i].p_type == PT_LOAD)
			continue;
		h = holder(ph, nr, ph[i].p_offset, ph[i].p_filesz);
		if (h < 0 || ph[i].p_offset + ph[i].p_filesz >
		    ph[h].p_offset + nph[h].p_filesz) {
			nph[i].p_offset = 0;
			nph[i].p_filesz = 0;
			continue;
		}
		nph[i].p_offset = newoff[h] + (ph[i].p_offset - ph[h].p_offset);
	}
	memcpy(out, eh, sizeof(*eh));
	eh = (Elf64_Ehdr *)out;
	eh->e_phoff = sizeof(*eh);
	eh->e_shoff = 0;
	eh->e_shnum = 0;
	eh->e_shstrndx = SHN_UNDEF;
	memcpy(out + sizeof(*eh), nph, nr * sizeof(*nph));

	f = fopen(argv[2], "wb");
	if (!f || fwrite(out, 1, pos, f) != pos || fclose(f)) {
		fprintf(stderr, "lubench-elf-trim: %s: %s\n", argv[2],
			strerror(errno));
		return 1;
	}
	return 0;
}
