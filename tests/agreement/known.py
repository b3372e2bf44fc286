"""Disagreements the property test knows of, each owned by a fix in flight (issue 11). A known
disagreement is printed with its owner and does not fail the run unless --strict; an entry that
no disagreement matched any more is printed too, so it is removed when its fix lands. Keep this
list short and true: every entry names who fixes it and why it happens."""
import re

# (owner, what the disagreement line matches, why)
KNOWN = [
    ("models", r"-mem-(flash|ram|load)-.*percpu-check exit 1: .*(areas\.start_is_load_address|segments\.)",
     "MEMORY scripts with a flash/load region or RAM only: percpu-check's load-address model is the "
     "plain one (issue 11, the ROM/flash model)"),
    ("models", r"-mem-(flash|ram|load)-.*ldgen's script fails to link.*(not within region|output file too large)",
     "MEMORY scripts: percpu-ldgen's areas or the next section leave the region (issue 11, the ROM/flash model)"),
]


def owner_of(line):
    for owner, pattern, why in KNOWN:
        if re.search(pattern, line):
            return owner, why
    return None


def unmatched(lines):
    return [(owner, why) for owner, pattern, why in KNOWN if not any(re.search(pattern, line) for line in lines)]
