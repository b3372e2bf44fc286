//! Times the crates.io `percpu` crate (the crate docs/seeds describe) on the loops that
//! bench/runtime_bench.cpp times for libpercpu: read_current, write_current and an increment.
//! The crate has no add/RMW accessor, so the increment is what its users write:
//! `write_current(read_current() + 1)` (two %gs instructions and an add), and, for reference,
//! `with_current(|v| *v += 1)` (self-pointer load, address add, memory add).
//!
//! Usage: percpu-crate-bench [iterations (default 200000000)] [repetitions (default 5)]
//! Output: one machine-readable line per operation, over the repetitions:
//!   rust_percpu op=<name> min_ns_per_op=<f64> median_ns_per_op=<f64> iterations=<n> repetitions=<r>
//! bench/run uses the minimum, as for the C++ side: on a shared machine other processes only ever
//! add time to a repetition.
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

/// (minimum, median) ns per iteration over the repetitions.
fn time_loop(iterations: u64, repetitions: usize, mut body: impl FnMut(u64)) -> (f64, f64) {
    let mut samples: Vec<f64> = (0..repetitions)
        .map(|_| {
            let start = Instant::now();
            for i in 0..iterations {
                body(i);
            }
            start.elapsed().as_nanos() as f64 / iterations as f64
        })
        .collect();
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (samples[0], samples[samples.len() / 2])
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
    for (op, (min, median)) in results {
        println!(
            "rust_percpu op={op} min_ns_per_op={min:.4} median_ns_per_op={median:.4} \
             iterations={iterations} repetitions={repetitions}"
        );
    }
}
