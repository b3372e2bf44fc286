//! Times the crates.io `percpu` crate (the crate docs/seeds describe) on the loops that
//! bench/runtime_bench.cpp times for libpercpu: read_current, write_current and an increment.
//! The crate has no add/RMW accessor, so the increment is what its users write:
//! `write_current(read_current() + 1)` (two %gs instructions and an add), and, for reference,
//! `with_current(|v| *v += 1)` (self-pointer load, address add, memory add).
//!
//! Usage: percpu-crate-bench [iterations (default 200000000)] [repetitions (default 5)]
//! Output: one machine-readable line per operation, over the repetitions:
//!   rust_percpu op=<name> min_ns_per_op=<f64> median_ns_per_op=<f64> min_cpu_ns_per_op=<f64>
//!               iterations=<n> repetitions=<r>
//! Wall time is std::time::Instant; CPU time is this thread's CPU clock (CLOCK_THREAD_CPUTIME_ID),
//! which, unlike wall time, does not count the time the thread waited for a core on a shared
//! machine. bench/run uses the minimum CPU time, as on the C++ side (Google Benchmark's cpu_time).
//!
//! Honest loops, with the same scaffolding as the C++ side: the crate's accessors are non-`pure`
//! inline asm (volatile, may touch memory), so the compiler can neither drop nor move them; every
//! value read goes through use_value() (it must exist in a register, once per iteration); written
//! values are the loop counter. Not std::hint::black_box inside the loops: it passes the value
//! through a stack slot, an extra store per iteration that the C++ loops do not pay (measured: it
//! nearly doubles the read loop). black_box hides the iteration count from the optimizer.
use std::hint::black_box;
use std::time::Instant;

/// The value must exist in a register: nothing else is emitted (bench/runtime_bench.cpp's twin).
#[inline(always)]
fn use_value(v: u64) {
    unsafe { core::arch::asm!("/* {0} */", in(reg) v, options(nomem, nostack, preserves_flags)) }
}

#[percpu::def_percpu]
static BENCH_COUNTER: u64 = 0;

#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}
extern "C" {
    // From the C library std already links; no extra crate for one call.
    fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
}
const CLOCK_THREAD_CPUTIME_ID: i32 = 3;

/// This thread's CPU time in ns.
fn thread_cpu_ns() -> u128 {
    let mut t = Timespec { tv_sec: 0, tv_nsec: 0 };
    if unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut t) } != 0 {
        eprintln!("percpu-crate-bench: clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        std::process::exit(1);
    }
    t.tv_sec as u128 * 1_000_000_000 + t.tv_nsec as u128
}

struct Timing {
    min_wall: f64,
    median_wall: f64,
    min_cpu: f64,
}

/// ns per iteration over the repetitions.
fn time_loop(iterations: u64, repetitions: usize, mut body: impl FnMut(u64)) -> Timing {
    let mut wall = Vec::with_capacity(repetitions);
    let mut cpu = Vec::with_capacity(repetitions);
    for _ in 0..repetitions {
        let cpu_start = thread_cpu_ns();
        let start = Instant::now();
        for i in 0..iterations {
            body(i);
        }
        wall.push(start.elapsed().as_nanos() as f64 / iterations as f64);
        cpu.push((thread_cpu_ns() - cpu_start) as f64 / iterations as f64);
    }
    wall.sort_by(|a, b| a.partial_cmp(b).unwrap());
    cpu.sort_by(|a, b| a.partial_cmp(b).unwrap());
    Timing { min_wall: wall[0], median_wall: wall[wall.len() / 2], min_cpu: cpu[0] }
}

fn parse_arg(args: &[String], index: usize, default: u64) -> u64 {
    match args.get(index) {
        None => default,
        Some(text) => match text.parse::<u64>() {
            Ok(v) if v > 0 => v,
            _ => {
                eprintln!("usage: percpu-crate-bench [iterations >0] [repetitions >0]");
                std::process::exit(2);
            }
        },
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let iterations = black_box(parse_arg(&args, 1, 200_000_000));
    let repetitions = parse_arg(&args, 2, 5) as usize;

    // Linux host mode of percpu 0.4.0: caller-provided areas, then GS_BASE via arch_prctl.
    let layout = percpu::percpu_area_layout_expected(1);
    let base = unsafe { std::alloc::alloc_zeroed(layout) };
    match percpu::init(base, 1) {
        Ok(1) => {}
        other => {
            eprintln!("percpu-crate-bench: percpu::init failed: {other:?}");
            std::process::exit(1);
        }
    }
    percpu::init_percpu_reg(0);
    if percpu::read_percpu_reg() != percpu::percpu_area_base(0) {
        eprintln!("percpu-crate-bench: the per-CPU register does not select area 0");
        std::process::exit(1);
    }

    let results = [
        ("read_current", time_loop(iterations, repetitions, |_| {
            use_value(BENCH_COUNTER.read_current());
        })),
        ("write_current", time_loop(iterations, repetitions, |i| {
            BENCH_COUNTER.write_current(i);
        })),
        ("increment_read_write", time_loop(iterations, repetitions, |_| {
            BENCH_COUNTER.write_current(BENCH_COUNTER.read_current().wrapping_add(1));
        })),
        ("increment_with_current", time_loop(iterations, repetitions, |_| {
            BENCH_COUNTER.with_current(|v| *v = v.wrapping_add(1));
        })),
    ];

    // The loops really ran on area 0: the counter moved away from its initial 0.
    if unsafe { *BENCH_COUNTER.remote_ptr(0) } == 0 {
        eprintln!("percpu-crate-bench: the per-CPU counter was never written");
        std::process::exit(1);
    }
    for (op, t) in results {
        println!(
            "rust_percpu op={op} min_ns_per_op={:.4} median_ns_per_op={:.4} \
             min_cpu_ns_per_op={:.4} iterations={iterations} repetitions={repetitions}",
            t.min_wall, t.median_wall, t.min_cpu
        );
    }
}
