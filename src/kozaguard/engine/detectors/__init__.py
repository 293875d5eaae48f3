"""The detectors, registered in one place. A new detector is one file here and one line below."""

from __future__ import annotations

from kozaguard.engine.detector import Detector
from kozaguard.engine.detectors.aggressive_buy import AggressiveBuy
from kozaguard.engine.detectors.cooling_off import CoolingOff
from kozaguard.engine.detectors.liquidation import Liquidation
from kozaguard.engine.detectors.lockout import Lockout
from kozaguard.engine.detectors.new_device import NewDevice
from kozaguard.engine.detectors.pump_campaign import PumpCampaign
from kozaguard.engine.detectors.session_binding import SessionBinding
from kozaguard.engine.detectors.shared_client import SharedClient
from kozaguard.engine.detectors.step_up import StepUp
from kozaguard.engine.detectors.unfamiliar_network import UnfamiliarNetwork

REGISTRY: dict[str, type[Detector]] = {
    d.name: d
    for d in (
        Lockout,
        NewDevice,
        UnfamiliarNetwork,
        SharedClient,
        SessionBinding,
        StepUp,
        CoolingOff,
        AggressiveBuy,
        Liquidation,
        PumpCampaign,
    )
}


def default_detectors(settings: dict[str, dict] | None = None) -> list[Detector]:
    """One instance of every registered detector, with keyword settings per detector name.

    >>> [d.name for d in default_detectors()][:2]
    ['lockout', 'new_device']
    """
    settings = settings or {}
    unknown = set(settings) - set(REGISTRY)
    if unknown:
        raise ValueError(f"unknown detector(s) in settings: {sorted(unknown)}; known: {sorted(REGISTRY)}")
    return [cls(**settings.get(name, {})) for name, cls in REGISTRY.items()]
