// The exit codes of percpu-ldgen and percpu-check, and of their Python console scripts (the
// binding exports this table as percpu._percpu.EXIT_*). The cores know nothing of them.
#pragma once

namespace percpu::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;  // percpu-check: a rule failed; percpu-ldgen --check: stale
inline constexpr int kExitBadInput = 2;     // unreadable or malformed input, a failed write
inline constexpr int kExitUsage = 64;       // bad command line (EX_USAGE)

}  // namespace percpu::cli
