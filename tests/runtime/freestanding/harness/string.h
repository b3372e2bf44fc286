/* The freestanding harness's <string.h>: the few functions it and the compiler need
 * (implemented in harness.cpp; no C library exists for these targets here). */
#pragma once
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
void* memcpy(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
int strcmp(const char* a, const char* b);
size_t strlen(const char* s);
#ifdef __cplusplus
}
#endif
