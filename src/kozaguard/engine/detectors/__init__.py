"""The detectors, registered in one place. A new detector is one file here and one line below."""

from __future__ import annotations

from kozaguard.engine.detector import Detector
from kozaguard.engine.detectors.aggressive_buy import AggressiveBuy
from kozaguard.engine.detectors.campaign import Campaign
from kozaguard.engine.detectors.contact_changed import ContactChanged
from kozaguard.engine.detectors.cooling_off import CoolingOff
from kozaguard.engine.detectors.credential_stuffing import CredentialStuffing
from kozaguard.engine.detectors.customer_reported import CustomerReported
from kozaguard.engine.detectors.factor_enrolment import FactorEnrolment
from kozaguard.engine.detectors.impossible_travel import ImpossibleTravel
from kozaguard.engine.detectors.large_order import LargeOrder
from kozaguard.engine.detectors.liquidation import Liquidation
from kozaguard.engine.detectors.lockout import Lockout
from kozaguard.engine.detectors.new_device import NewDevice
from kozaguard.engine.detectors.new_payee import NewPayee
from kozaguard.engine.detectors.phishing_reported import PhishingReported
from kozaguard.engine.detectors.pump_campaign import PumpCampaign
from kozaguard.engine.detectors.recent_failures import RecentFailures
from kozaguard.engine.detectors.sell_off import SellOff
from kozaguard.engine.detectors.sell_then_pump import SellThenPump
from kozaguard.engine.detectors.session_binding import SessionBinding
from kozaguard.engine.detectors.shared_client import SharedClient
from kozaguard.engine.detectors.staff_rejected import StaffRejected
from kozaguard.engine.detectors.step_up import StepUp
from kozaguard.engine.detectors.unfamiliar_network import UnfamiliarNetwork
from kozaguard.engine.detectors.unusual_hour import UnusualHour

REGISTRY: dict[str, type[Detector]] = {
    d.name: d
    for d in (
        Lockout,
        NewDevice,
        UnfamiliarNetwork,
        ImpossibleTravel,
        UnusualHour,
        RecentFailures,
        CredentialStuffing,
        PhishingReported,
        CustomerReported,
        ContactChanged,
        SharedClient,
        SessionBinding,
        StepUp,
        CoolingOff,
        NewPayee,
        FactorEnrolment,
        AggressiveBuy,
        Liquidation,
        LargeOrder,
        SellOff,
        SellThenPump,
        PumpCampaign,
        Campaign,
        StaffRejected,
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
