"""Account security: every rule about locks, failures, stuffing, factors, cooling-off and devices, once.

Pure (no I/O, no clock): time is passed in as epoch seconds, counters live in whatever mapping the
caller hands over. The identity service (which decides logins) and the engine's detectors (which
judge the broker's event stream) both call these modules, so the two halves cannot disagree on a
rule: `lock` (the lock state machine), `stuffing` (failure counters per account, address, /24 and
provider), `step_up` (factor strength and what each action needs), `cooling_off` (holds after a
contact or factor change) and `devices` (how familiar a login's device and place are).
"""
