"""The chair's checklist "Det goda mötet" (issue 14 item 11, SPEC SIP-23 extending SIP-6 and
SIP-8): seed 001_118551e475ece215.txt, appendix 1, lines 1637-1743 ("Att leda mötet").

Offered to the coordinator when the meeting is prepared (the invitation) and when it is
recorded; it is support for a person-centred meeting, not a form to fill in, so nothing of it
is stored. The points and their questions are the routine's own words, in Swedish whatever the
interface language, as the routine is.
"""

from __future__ import annotations

from dataclasses import dataclass

SOURCE = "001_118551e475ece215.txt, bilaga 1 Det goda mötet, rad 1637-1743"

INTRODUCTION = (
    "”Det goda mötet” är ett stöd för dig som leder och genomför SIP-mötet utifrån ett "
    "personcentrerat arbetssätt. Utgångspunkten är att vård och omsorg ska utgå från den "
    "enskilde, involvera och anpassa efter individens behov och förutsättningar."
)


@dataclass(frozen=True)
class Point:
    text: str
    questions: tuple[str, ...] = ()


GOOD_MEETING: tuple[Point, ...] = (
    Point("Hälsa alla välkomna"),
    Point(
        "Presentationsrunda, alla deltagare inklusive den enskilde/närstående",
        ("vem är jag och vad är min roll i den samordnade planeringen",),
    ),
    Point(
        "Förklara syftet med mötet och informera om tänkt mötesupplägg",
        ("varför möts vi", "hur går mötet till", "vem som ansvar för vad"),
    ),
    Point(
        "Bjud in den enskilde och eventuellt närstående att ge sin berättelse",
        (
            "vill du berätta varför…",
            "vill du berätta hur…",
            "vad är viktigt för dig…",
            "kan du ge exempel…",
            "kan du förklara…",
        ),
    ),
    Point("Fördela ordet beroende på den enskildes behov och mål"),
    Point(
        "Ställ kontrollfrågor/stödfrågor till den enskilde för att hjälpa denne i planeringen",
        (
            "tror du att xx… skulle hjälpa dig att nå målet xx…",
            "kan du tänka dig att …",
            "hur känner du om…",
            "vad är viktigast för dig att uppnå…",
            "vilka mål och förväntningar har du…",
            "vilka egna resurser har du som kan hjälpa dig uppnå målet…",
        ),
    ),
    Point(
        "Sammanfatta vad ni kommit överens om under mötet",
        (
            "vilket är den enskildes huvudmål…",
            "vilka delmål har den enskilde…",
            "vilka insatser/åtgärder har ni kommit överens om…",
            "vem ansvarar för vad…",
            "när i tid ska ni göra en uppföljning av insatser/åtgärder och utvärdering av "
            "huvudmål/delmål…",
            "vem är fortsatt samordningsansvarig för SIP’en…",
        ),
    ),
    Point(
        "Kontrollera med den enskilde att ni har uppfattat samma saker och att denne är nöjd "
        "med planeringen",
        (
            "känner du dig trygg i det vi nu har planerat och kommit överens om…",
            "är det något mer du funderar över…",
            "vet du var du kan vända dig med frågor om…",
        ),
    ),
    Point(
        "Fråga den enskilde och ev. närstående hur de vill ta del av SIP’en…",
        ("digitalt via 1177…", "utskriven på papper och hemskickad…", "eller både och…"),
    ),
    Point("Avsluta mötet"),
    Point("Dokumentera i SIP och delge SIP’en till den enskilde enligt överenskommet sätt"),
)
