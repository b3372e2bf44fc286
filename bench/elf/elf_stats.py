"""Size, symbol count and relocation count of an ELF file, from its section headers alone (the
benchmark reports them; it must not depend on the tool it measures)."""
import collections
import os
import struct

Stats = collections.namedtuple(
    "Stats", "file_size symbols relocations rela_sections rela_bytes debug_bytes")

SHT_SYMTAB, SHT_RELA, SHT_REL = 2, 4, 9


def read(path):
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        ident = f.read(16)
        if len(ident) < 16 or ident[:4] != b"\x7fELF":
            raise ValueError("not an ELF file")
        is64, endian = ident[4] == 2, "<" if ident[5] == 1 else ">"
        if is64:
            f.seek(0x28)
            shoff, = struct.unpack(endian + "Q", f.read(8))
            f.seek(0x3A)
        else:
            f.seek(0x20)
            shoff, = struct.unpack(endian + "I", f.read(4))
            f.seek(0x2E)
        shentsize, shnum, shstrndx = struct.unpack(endian + "HHH", f.read(6))
        if shoff == 0 or shoff + shnum * shentsize > size:
            raise ValueError("no section header table, or it lies past the end of the file")
        f.seek(shoff)
        table = f.read(shnum * shentsize)
        fmt = endian + ("IIQQQQIIQQ" if is64 else "IIIIIIIIII")
        headers = [struct.unpack_from(fmt, table, i * shentsize) for i in range(shnum)]
        names_hdr = headers[shstrndx]
        f.seek(names_hdr[4])
        names = f.read(names_hdr[5])

    def name(h):
        return names[h[0]:names.index(b"\0", h[0])].decode("ascii", "replace")

    symbols = relocations = rela_sections = rela_bytes = debug_bytes = 0
    for h in headers:
        sh_type, sh_size, sh_entsize = h[1], h[5], h[9]
        if sh_type == SHT_SYMTAB and sh_entsize:
            symbols += sh_size // sh_entsize - 1  # entry 0 is the null symbol
        elif sh_type in (SHT_RELA, SHT_REL) and sh_entsize:
            relocations += sh_size // sh_entsize
            rela_sections += 1
            rela_bytes += sh_size
        if name(h).startswith(".debug"):
            debug_bytes += sh_size
    return Stats(size, symbols, relocations, rela_sections, rela_bytes, debug_bytes)
