// The two functions GCC and clang may call even in freestanding code (struct copies, the
// runtime's template copy). Byte loops through volatile pointers: the compiler must not turn
// them back into calls to themselves, and byte accesses are always aligned (AArch64 with the
// MMU off treats RAM as Device memory, where an unaligned access faults).
#include <stddef.h>

extern "C" void* memcpy(void* dst, const void* src, size_t n) {
  volatile char* d = static_cast<volatile char*>(dst);
  const volatile char* s = static_cast<const volatile char*>(src);
  while (n-- != 0) *d++ = *s++;
  return dst;
}

extern "C" void* memset(void* dst, int c, size_t n) {
  volatile char* d = static_cast<volatile char*>(dst);
  while (n-- != 0) *d++ = static_cast<char>(c);
  return dst;
}
