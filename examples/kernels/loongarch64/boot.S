/* loongarch64 entry for QEMU `-M virt -kernel kernel.elf` (no firmware): every CPU starts here,
 * in direct-address mode (CRMD.DA = 1, paging off, cached), so the kernel is linked at its
 * physical address (0x200000). CSR.CPUID gives the CPU index. CPU 0 clears .bss and runs the
 * boot path; the others wait here, touching nothing but the flag, until the boot CPU has
 * replicated the per-CPU template (example_release_cpus). $r21 is the per-CPU register
 * (libpercpu; the psABI reserves it), so nothing here uses it. */
#define STACK_SIZE 16384
#define CSR_EUEN 0x2
#define CSR_ESTAT 0x5
#define CSR_ERA 0x6
#define CSR_BADV 0x7
#define CSR_EENTRY 0xc
#define CSR_CPUID 0x20

        .section .text.boot, "ax"
        .global _start
_start:
        la.pcrel        $t0, trap_entry
        csrwr           $t0, CSR_EENTRY
        li.w            $t0, 1                  /* EUEN.FPE: the compiler may use FP registers */
        csrwr           $t0, CSR_EUEN
        csrrd           $a0, CSR_CPUID
        andi            $a0, $a0, 0x1ff
        li.w            $t0, EXAMPLE_CPUS
        bgeu            $a0, $t0, park          /* more CPUs than reserved areas: never used */
        /* sp = the top of this CPU's stack */
        la.pcrel        $sp, stacks
        addi.d          $t0, $a0, 1
        li.w            $t1, STACK_SIZE
        mul.d           $t0, $t0, $t1
        add.d           $sp, $sp, $t0
        bnez            $a0, secondary

        la.pcrel        $t0, __bss_start
        la.pcrel        $t1, __bss_end
1:      bgeu            $t0, $t1, 2f
        st.d            $zero, $t0, 0
        addi.d          $t0, $t0, 8
        b               1b
2:      bl              example_boot_cpu
        b               park

secondary:
        la.pcrel        $t0, example_release_cpus
3:      ld.w            $t1, $t0, 0
        beqz            $t1, 3b
        dbar            0                       /* acquire: see the areas the boot CPU wrote */
        bl              example_secondary_cpu   /* a0 = CPU index */
park:
        idle            0
        b               park

        .balign 4096                            /* CSR.EENTRY is page aligned */
        .global trap_entry                      /* also the storm kernel's (storm_vector.S) */
trap_entry:
        csrrd           $a0, CSR_ESTAT
        csrrd           $a1, CSR_ERA
        csrrd           $a2, CSR_BADV
        la.pcrel        $sp, trap_stack_top
        bl              example_trap
        b               park

        .section .bss.stacks, "aw", @nobits
        .balign 16
stacks:
        .skip   STACK_SIZE * EXAMPLE_CPUS
        .skip   1024
trap_stack_top:
