// A program that uses percpu-check's core library alone: a report on a real ELF (this program),
// the typed errors.
#include <cstdint>
#include <cstdio>
#include <string>

#include "percpu/check.hpp"

namespace check = percpu::check;

int main(int, char** argv) {
  // This host program has no .percpu template: a report with findings, not an exception.
  const check::Report report = check::check(argv[0], check::Options{});
  if (report.ok() || report.rules.size() != check::rule_ids().size()) return std::puts("unexpected report"), 1;
  int typed = 0;
  const uint8_t garbage[64] = {1, 2, 3};
  try {
    (void)check::check_bytes(garbage, sizeof garbage, "garbage", check::Options{});
  } catch (const check::ElfError& e) {
    typed += e.path() == "garbage";
  }
  check::Options zero;
  zero.cpus = 0;
  try {
    (void)check::check(argv[0], zero);
  } catch (const percpu::InvalidArgument& e) {
    typed += e.field() == "cpus";
  }
  try {
    (void)check::inspect("/nonexistent/kernel.elf", check::Options{});
  } catch (const percpu::IoError& e) {
    typed += e.error_number() != 0;
  }
  if (typed != 3) return std::printf("typed errors: %d of 3\n", typed), 1;
  std::puts("checker core alone: ok");
  return 0;
}
