// Console output for the example kernels: strings and numbers, no formatting library.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace console {

void put(const char* s);
void put_dec(uint64_t v);
void put_hex(uint64_t v);  // 0x-prefixed, no leading zeros

}  // namespace console
