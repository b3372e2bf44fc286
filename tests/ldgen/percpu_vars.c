/* Initialized per-CPU variables as the runtime's macros emit them, plus ordinary data. */
__attribute__((section(".percpu"))) unsigned int pc_counter = 0x11223344u;
__attribute__((section(".percpu"))) unsigned long long pc_big = 0x8877665544332211ull;
__attribute__((section(".percpu"), aligned(128))) unsigned char pc_aligned[3] = {0xA1, 0xB2, 0xC3};

unsigned long long ordinary_data = 0x0123456789abcdefull;
unsigned long long ordinary_bss[50];
const char ro_message[] = "percpu-ldgen";

void _start(void) {
  for (;;) {
  }
}
void Reset_Handler(void) __attribute__((alias("_start")));
