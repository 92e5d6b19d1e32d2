"""Signatures in a returned PDF, checked with pyHanko (the only module that imports it).

A signature field reads as signed when it holds a signature; this says whether that signature
matches the bytes it signs, whether it covers the whole file (nothing added after signing), and
whether its certificate chain could be checked. No trust roots are configured and nothing is
fetched from the network, so a chain is reported as not verified rather than as valid.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ...model.messages import Said, said

QUIET = ("pyhanko", "pyhanko_certvalidator")  # they log an unverifiable chain with a traceback


@dataclass(frozen=True)
class SignatureState:
    field: str
    intact: bool  # the signed bytes are the ones the signature was made over
    whole_file: bool  # nothing was added to the file after signing
    trusted: bool  # the certificate chain leads to a trusted root

    def summary(self) -> Said:
        """What the field reads as: «signed, whole file, certificate chain not verified», said in
        the workbook's language."""
        return said("signature.state", signed=said("signature.signed" if self.intact else "signature.mismatch"),
                    coverage=said("signature.whole_file" if self.whole_file else "signature.changed"),
                    trust=said("signature.trusted" if self.trusted else "signature.unverified"))


def signature_states(path: Path) -> dict[str, SignatureState]:
    """{signature field name: state} for every signed field of the PDF."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    states = {}
    with _quiet(), path.open("rb") as stream:
        reader = PdfFileReader(stream, strict=False)
        for signature in reader.embedded_signatures:
            context = ValidationContext(trust_roots=[], allow_fetching=False)
            status = validate_pdf_signature(signature, context, skip_diff=True)
            states[signature.field_name] = SignatureState(
                signature.field_name, bool(status.intact and status.valid),
                status.coverage == SignatureCoverageLevel.ENTIRE_FILE, bool(status.trusted))
    return states


@contextmanager
def _quiet():
    """pyHanko's own log lines off: what it finds is reported in the state, one line per file."""
    loggers = [logging.getLogger(name) for name in QUIET]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)
