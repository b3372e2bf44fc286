#include "console.hpp"

#include "platform.hpp"

namespace console {

void put(const char* s) {
  for (; *s != '\0'; ++s) {
    if (*s == '\n') platform::console_putc('\r');
    platform::console_putc(*s);
  }
}

void put_dec(uint64_t v) {
  char digits[21];
  size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n != 0) platform::console_putc(digits[--n]);
}

void put_hex(uint64_t v) {
  put("0x");
  int shift = 60;
  while (shift > 0 && ((v >> shift) & 15) == 0) shift -= 4;
  for (; shift >= 0; shift -= 4) platform::console_putc("0123456789abcdef"[(v >> shift) & 15]);
}

}  // namespace console
