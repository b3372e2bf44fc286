// percpu/detail/traits.hpp - the few type traits the generic layer needs, written on compiler
// builtins so that no C++ library header is required (freestanding targets such as clang's
// loongarch64 have no libstdc++ at all).
#pragma once

#include <stdint.h>

namespace percpu::detail {

template <typename T> struct is_integer { static constexpr bool value = false; };
#define PERCPU_DETAIL_INTEGER(type) \
  template <> struct is_integer<type> { static constexpr bool value = true; }
PERCPU_DETAIL_INTEGER(char);
PERCPU_DETAIL_INTEGER(signed char);
PERCPU_DETAIL_INTEGER(unsigned char);
PERCPU_DETAIL_INTEGER(short);
PERCPU_DETAIL_INTEGER(unsigned short);
PERCPU_DETAIL_INTEGER(int);
PERCPU_DETAIL_INTEGER(unsigned int);
PERCPU_DETAIL_INTEGER(long);
PERCPU_DETAIL_INTEGER(unsigned long);
PERCPU_DETAIL_INTEGER(long long);
PERCPU_DETAIL_INTEGER(unsigned long long);
PERCPU_DETAIL_INTEGER(wchar_t);
PERCPU_DETAIL_INTEGER(char16_t);
PERCPU_DETAIL_INTEGER(char32_t);
#undef PERCPU_DETAIL_INTEGER

template <typename T> struct is_pointer { static constexpr bool value = false; };
template <typename T> struct is_pointer<T*> { static constexpr bool value = true; };

template <typename T> struct remove_cv { using type = T; };
template <typename T> struct remove_cv<const T> { using type = T; };
template <typename T> struct remove_cv<volatile T> { using type = T; };
template <typename T> struct remove_cv<const volatile T> { using type = T; };

template <typename T> struct remove_reference { using type = T; };
template <typename T> struct remove_reference<T&> { using type = T; };
template <typename T> struct remove_reference<T&&> { using type = T; };

template <typename T, typename U> constexpr bool is_same_v = false;
// `const identity_t<T>` is a const T even when T is spelled `int*` inside a macro.
template <typename T> using identity_t = T;

template <typename T> constexpr bool is_same_v<T, T> = true;

// Other sizes get a placeholder: only the fast-path members (never instantiated for them) use it.
struct no_uint {};
template <unsigned long N> struct uint_of_size { using type = no_uint; };
template <> struct uint_of_size<1> { using type = uint8_t; };
template <> struct uint_of_size<2> { using type = uint16_t; };
template <> struct uint_of_size<4> { using type = uint32_t; };
template <> struct uint_of_size<8> { using type = uint64_t; };
template <typename T> using uint_for = typename uint_of_size<sizeof(T)>::type;

constexpr bool is_access_size(unsigned long size) {
  return size == 1 || size == 2 || size == 4 || size == 8;
}

// Types moved by a single load or store of their size: every integer (signed or unsigned, the
// crate handled only a list of unsigned names), bool, enums and pointers.
template <typename T>
constexpr bool is_fast_v = is_access_size(sizeof(T)) &&
                           (is_integer<T>::value || is_same_v<T, bool> || __is_enum(T) ||
                            is_pointer<T>::value);

// Types that add/sub/inc/dec accept: integers (not bool, enums or pointers).
template <typename T>
constexpr bool is_arith_v = is_access_size(sizeof(T)) && is_integer<T>::value;

// Value-preserving reinterpretation between same-size trivially copyable types (constexpr-free,
// so it only needs the builtin both compilers have).
template <typename To, typename From>
inline To bit_cast(const From& from) noexcept {
  static_assert(sizeof(To) == sizeof(From), "bit_cast needs equal sizes");
  return __builtin_bit_cast(To, from);
}

}  // namespace percpu::detail
