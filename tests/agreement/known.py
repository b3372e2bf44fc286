"""Disagreements the property test knows of, each owned by a fix in flight (issue 11). A known
disagreement is printed with its owner and does not fail the run unless --strict; an entry that
no disagreement matched any more is printed too, so it is removed when its fix lands. Keep this
list short and true: every entry names who fixes it and why it happens."""
import re

# (owner, what the disagreement line matches, why)
KNOWN = []


def owner_of(line):
    for owner, pattern, why in KNOWN:
        if re.search(pattern, line):
            return owner, why
    return None


def unmatched(lines):
    return [(owner, why) for owner, pattern, why in KNOWN if not any(re.search(pattern, line) for line in lines)]
