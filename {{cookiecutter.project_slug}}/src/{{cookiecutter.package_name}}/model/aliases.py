"""The registry's two aliases, the names by which every tool loads a registered model version.

    challenger  the newest registered version, whatever the promotion gate said
    champion    the version the prediction service answers with

The register stage moves them (`model/register.py`); serving, A/B testing and monitoring load
and compare the versions they point to. A tiny module of its own, so that those tools do not
import the register stage for two strings.
"""

CHAMPION = "champion"
CHALLENGER = "challenger"
