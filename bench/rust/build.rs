// Links the benchmark the way the crate's own Linux tests link (percpu 0.4.0, feature
// non-zero-vma): a non-PIE executable, because the crate's x86_64 accessors address variables
// with 32-bit absolute `gs:[offset VAR]` operands, plus an INSERT script that places `.percpu`
// and defines the four symbols the crate reads.
use std::path::Path;

fn main() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("percpu-crate.ld");
    println!("cargo:rerun-if-changed={}", script.display());
    println!("cargo:rustc-link-arg-bins=-no-pie");
    println!("cargo:rustc-link-arg-bins=-T{}", script.display());
}
