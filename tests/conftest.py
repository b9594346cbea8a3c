"""Suite-wide Hypothesis profiles.

``ci`` (the default): derandomized, so CI runs are reproducible, and few examples, so the
whole suite stays well under its time budget on 2 cores. ``deep``: 400 examples per property,
a local check after a parser change. ``fuzz``: 10,000 examples per property, a long local
run: ``pytest --hypothesis-profile=fuzz -p no:cacheprovider tests/property``. The profile can
also be chosen with ``CABLEPARSE_HYPOTHESIS_PROFILE``. Registered here, at the root of the
tests, so that ``--hypothesis-profile`` works from the project root too.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=25,
    deadline=None,
    database=None,
    # Generated cables are large by design (whole telegrams); that is not a test smell here.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    # Between the two: a few hundred examples each, for a local check after a parser change.
    "deep",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    print_blob=True,
)
settings.register_profile(
    "fuzz",
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    print_blob=True,
)

# When pytest was given --hypothesis-profile, the plugin has loaded it already (this conftest is
# read before the plugin configures when tests/property is on the command line): keep it.
_chosen = os.environ.get("CABLEPARSE_HYPOTHESIS_PROFILE")
if _chosen:
    settings.load_profile(_chosen)
elif settings.get_current_profile_name() == "default":
    settings.load_profile("ci")

