"""Small hand-written logs for the report tests."""

from __future__ import annotations

HEADER = "Pasient-ID;Hendelse;Tidspunkt;Tjenestenivå;Bostedskommune;Helseforetak\n"

#: 8 cases gp → ED → ward → home care; 3 cases gp → out-of-hours. Waits are whole hours.
MAIN_PATH = [("Fastlegekonsultasjon", "Fastlege", ""),
             ("Mottak", "Akuttmottak", "Helse Test HF"),
             ("Innleggelse", "Sengepost", "Helse Test HF"),
             ("Utskrivning", "Sengepost", "Helse Test HF"),
             ("Hjemmesykepleiebesøk", "Hjemmesykepleie", "")]
SHORT_PATH = [("Fastlegekonsultasjon", "Fastlege", ""),
              ("Legevaktkontakt", "Legevakt", "")]


def small_log_text(extra_activity: str | None = None, municipality: str = "Lyngvik") -> str:
    """The CSV text: 8 long cases (A01–A08) and 3 short ones (B01–B03)."""
    lines = [HEADER]
    for i in range(1, 9):
        for step, (activity, level, hospital) in enumerate(MAIN_PATH):
            day = 1 + i
            hour = 8 + 2 * step
            lines.append(f"A{i:02d};{activity};{day:02d}.03.2025 {hour:02d}:00;{level};"
                         f"{municipality};{hospital}\n")
        if extra_activity is not None:
            lines.append(f"A{i:02d};{extra_activity};{1 + i:02d}.03.2025 20:00;Fastlege;"
                         f"{municipality};\n")
    for i in range(1, 4):
        for step, (activity, level, hospital) in enumerate(SHORT_PATH):
            lines.append(f"B{i:02d};{activity};{10 + i:02d}.04.2025 {9 + step:02d}:30;{level};"
                         f"Storøy;{hospital}\n")
    return "".join(lines)
