/* Per-CPU variables as the runtime's macros emit them, a traced variable, and the entry point. */
__attribute__((section(".percpu"))) unsigned int cpu_id = 0xFFFFFFFFu;
__attribute__((section(".percpu"))) unsigned long long ticks = 0;
__attribute__((section(".trace"), used)) unsigned int trace_events = 7;

void _start(void) {
  for (;;) {
  }
}
