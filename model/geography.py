"""The fixed geography of the region: country names, capitals, coasts and land borders.

Every state a scenario may name is listed here, keyed by its ISO 3166 alpha-3 code; these are the 26 countries
whose outlines ship in ``west-africa-50m.geojson`` (Natural Earth, public domain). Capitals' coordinates give
the border network its fixed layout (never an unseeded spring layout), and the border list is the network's
edges: armed groups spread along it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True, slots=True)
class Country:
    """One country: its code, English name, capital, capital coordinates and whether it has a sea coast."""

    iso3: str
    name: str
    capital: str
    lon: float
    lat: float
    coastal: bool


COUNTRIES: dict[str, Country] = {
    c.iso3: c
    for c in (
        Country("MLI", "Mali", "Bamako", -8.00, 12.65, False),
        Country("BFA", "Burkina Faso", "Ouagadougou", -1.53, 12.37, False),
        Country("NER", "Niger", "Niamey", 2.11, 13.51, False),
        Country("TCD", "Chad", "N'Djamena", 15.04, 12.11, False),
        Country("MRT", "Mauritania", "Nouakchott", -15.98, 18.08, True),
        Country("SEN", "Senegal", "Dakar", -17.45, 14.69, True),
        Country("GIN", "Guinea", "Conakry", -13.68, 9.64, True),
        Country("CIV", "Côte d'Ivoire", "Yamoussoukro", -5.28, 6.82, True),
        Country("GHA", "Ghana", "Accra", -0.19, 5.60, True),
        Country("TGO", "Togo", "Lomé", 1.22, 6.13, True),
        Country("BEN", "Benin", "Porto-Novo", 2.63, 6.50, True),
        Country("NGA", "Nigeria", "Abuja", 7.49, 9.06, True),
        Country("DZA", "Algeria", "Algiers", 3.06, 36.75, True),
        Country("LBY", "Libya", "Tripoli", 13.19, 32.89, True),
        Country("MAR", "Morocco", "Rabat", -6.84, 34.02, True),
        Country("TUN", "Tunisia", "Tunis", 10.18, 36.81, True),
        Country("EGY", "Egypt", "Cairo", 31.24, 30.04, True),
        Country("SDN", "Sudan", "Khartoum", 32.56, 15.50, True),
        Country("CAF", "Central African Republic", "Bangui", 18.56, 4.36, False),
        Country("CMR", "Cameroon", "Yaoundé", 11.52, 3.85, True),
        Country("LBR", "Liberia", "Monrovia", -10.80, 6.30, True),
        Country("SLE", "Sierra Leone", "Freetown", -13.23, 8.48, True),
        Country("GNB", "Guinea-Bissau", "Bissau", -15.60, 11.86, True),
        Country("GMB", "Gambia", "Banjul", -16.58, 13.45, True),
        Country("CPV", "Cabo Verde", "Praia", -23.51, 14.93, True),
        Country("ESH", "Western Sahara", "Laayoune", -13.20, 27.15, True),
    )
}

# Land borders between the countries above (each pair once).
BORDERS: tuple[tuple[str, str], ...] = (
    ("MLI", "DZA"), ("MLI", "NER"), ("MLI", "BFA"), ("MLI", "CIV"), ("MLI", "GIN"), ("MLI", "SEN"),
    ("MLI", "MRT"),
    ("BFA", "NER"), ("BFA", "BEN"), ("BFA", "TGO"), ("BFA", "GHA"), ("BFA", "CIV"),
    ("NER", "BEN"), ("NER", "NGA"), ("NER", "TCD"), ("NER", "DZA"), ("NER", "LBY"),
    ("TCD", "NGA"), ("TCD", "CMR"), ("TCD", "CAF"), ("TCD", "SDN"), ("TCD", "LBY"),
    ("MRT", "SEN"), ("MRT", "DZA"), ("MRT", "ESH"),
    ("SEN", "GIN"), ("SEN", "GNB"), ("SEN", "GMB"),
    ("GIN", "CIV"), ("GIN", "LBR"), ("GIN", "SLE"), ("GIN", "GNB"),
    ("CIV", "GHA"), ("CIV", "LBR"),
    ("GHA", "TGO"),
    ("TGO", "BEN"),
    ("BEN", "NGA"),
    ("NGA", "CMR"),
    ("DZA", "LBY"), ("DZA", "TUN"), ("DZA", "MAR"), ("DZA", "ESH"),
    ("LBY", "TUN"), ("LBY", "EGY"), ("LBY", "SDN"),
    ("MAR", "ESH"),
    ("EGY", "SDN"),
    ("SDN", "CAF"),
    ("CAF", "CMR"),
    ("LBR", "SLE"),
)  # fmt: skip


def outlines_path():
    """Path to the bundled Natural Earth country outlines (GeoJSON, keyed by ``properties.iso3``)."""
    return resources.files("liptako.data") / "west-africa-50m.geojson"
