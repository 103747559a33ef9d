"""The fixed vocabularies a demo world is drawn from: names, places, employers, roles, networks.

Every value is fictitious. Name pools are labelled neutrally and both populations (legitimate
applicants and the operation's personas) draw from them with the same weights, so that a name's
origin predicts nothing and a fair system cannot lean on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, NamedTuple

# fmt: off
NAME_POOLS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "pool-1": (
        ("James", "Emily", "Michael", "Sarah", "David", "Jessica", "Daniel", "Ashley", "Ryan",
         "Megan", "Kevin", "Laura", "Brian", "Rachel", "Justin", "Amanda", "Tyler", "Hannah",
         "Eric", "Lauren", "Adam", "Nicole", "Scott", "Heather", "Sean", "Kayla"),
        ("Smith", "Johnson", "Miller", "Davis", "Wilson", "Anderson", "Taylor", "Thomas",
         "Moore", "Martin", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Hall",
         "Allen", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson"),
    ),
    "pool-2": (
        ("Carlos", "Maria", "Luis", "Ana", "Jorge", "Sofia", "Diego", "Camila", "Javier",
         "Valentina", "Miguel", "Lucia", "Andres", "Isabella", "Pablo", "Gabriela", "Mateo",
         "Daniela", "Alejandro", "Paula"),
        ("Garcia", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Perez",
         "Sanchez", "Ramirez", "Torres", "Flores", "Rivera", "Gomez", "Diaz", "Morales",
         "Reyes", "Cruz", "Ortiz", "Castillo", "Vargas"),
    ),
    "pool-3": (
        ("Wei", "Li", "Jun", "Mei", "Hao", "Xin", "Yu", "Lin", "Jian", "Ying", "Kenji", "Yuki",
         "Haruto", "Sakura", "Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Minh", "Linh"),
        ("Wang", "Chen", "Zhang", "Liu", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sato",
         "Suzuki", "Takahashi", "Tanaka", "Kim", "Lee", "Park", "Choi", "Nguyen", "Tran"),
    ),
    "pool-4": (
        ("Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Sneha", "Arjun", "Kavya", "Rahul",
         "Pooja", "Karthik", "Divya", "Siddharth", "Neha", "Aditya", "Meera", "Imran", "Ayesha",
         "Farhan", "Zara"),
        ("Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Rao", "Mehta",
         "Joshi", "Desai", "Khan", "Chowdhury", "Bose", "Menon", "Pillai", "Verma", "Malik",
         "Kapoor"),
    ),
    "pool-5": (
        ("Ivan", "Olga", "Dmitri", "Anna", "Piotr", "Katarzyna", "Andrei", "Elena", "Tomasz",
         "Marta", "Lukas", "Julia", "Jan", "Eva", "Mikhail", "Irina", "Stefan", "Nina",
         "Marek", "Zofia"),
        ("Ivanov", "Petrova", "Kowalski", "Nowak", "Novak", "Horvat", "Popescu", "Wojcik",
         "Kaminski", "Smirnov", "Kuznetsov", "Dvorak", "Svoboda", "Lewandowski", "Sokolov",
         "Volkov", "Marinescu", "Kovac", "Zielinski", "Jankowski"),
    ),
    "pool-6": (
        ("Chinedu", "Amara", "Kwame", "Abena", "Tunde", "Ngozi", "Kofi", "Adaeze", "Emeka",
         "Zainab", "Olumide", "Fatima", "Sipho", "Thandiwe", "Yusuf", "Amina", "Kelechi",
         "Esi", "Jabari", "Nia"),
        ("Okafor", "Adeyemi", "Mensah", "Okoye", "Balogun", "Nwosu", "Asante", "Eze", "Diallo",
         "Owusu", "Abubakar", "Ndlovu", "Mwangi", "Otieno", "Boateng", "Obi", "Achebe",
         "Kamara", "Toure", "Bello"),
    ),
}
POOL_WEIGHTS: Final = (0.40, 0.16, 0.14, 0.14, 0.08, 0.08)
# Full names so common that unrelated people share them: the "common_name" hard case.
COMMON_NAMES: Final = (
    ("James", "Smith"), ("Michael", "Johnson"), ("Maria", "Garcia"), ("Wei", "Wang"),
    ("Li", "Zhang"), ("Rahul", "Sharma"), ("Priya", "Patel"), ("Anna", "Ivanova"),
    ("Jose", "Hernandez"), ("David", "Lee"), ("Sarah", "Miller"), ("Mohammed", "Khan"),
)
COMMON_POOLS: Final = (
    "pool-1", "pool-1", "pool-2", "pool-3", "pool-3", "pool-4", "pool-4", "pool-5", "pool-2",
    "pool-1", "pool-1", "pool-4",
)
# fmt: on


class Place(NamedTuple):
    city: str
    region: str  # US state code, or "" elsewhere
    country: str  # ISO 3166-1 alpha-2
    postcode: str
    utc_offset: int  # hours, standard time; what activity hours are judged against
    area: str  # a dialling area code (US) or "" where the phone generator picks one


# fmt: off
US_PLACES: Final = (
    Place("Austin", "TX", "US", "78701", -6, "512"), Place("Seattle", "WA", "US", "98101", -8, "206"),
    Place("Denver", "CO", "US", "80202", -7, "303"), Place("Chicago", "IL", "US", "60601", -6, "312"),
    Place("Boston", "MA", "US", "02108", -5, "617"), Place("Atlanta", "GA", "US", "30303", -5, "404"),
    Place("Phoenix", "AZ", "US", "85004", -7, "602"), Place("Columbus", "OH", "US", "43215", -5, "614"),
    Place("New York", "NY", "US", "10001", -5, "212"), Place("San Jose", "CA", "US", "95113", -8, "408"),
    Place("Dallas", "TX", "US", "75201", -6, "214"), Place("Miami", "FL", "US", "33130", -5, "305"),
    Place("Raleigh", "NC", "US", "27601", -5, "919"), Place("Portland", "OR", "US", "97204", -8, "503"),
    Place("Nashville", "TN", "US", "37203", -6, "615"), Place("Minneapolis", "MN", "US", "55401", -6, "612"),
)
ABROAD_PLACES: Final = (
    Place("London", "", "GB", "EC1A 1BB", 0, ""), Place("Manchester", "", "GB", "M1 1AE", 0, ""),
    Place("Toronto", "", "CA", "M5H 2N2", -5, ""), Place("Vancouver", "", "CA", "V6B 1A1", -8, ""),
    Place("Berlin", "", "DE", "10115", 1, ""), Place("Munich", "", "DE", "80331", 1, ""),
    Place("Amsterdam", "", "NL", "1012 JS", 1, ""), Place("Warsaw", "", "PL", "00-001", 1, ""),
    Place("Bengaluru", "", "IN", "560001", 5, ""), Place("Pune", "", "IN", "411001", 5, ""),
    Place("Manila", "", "PH", "1000", 8, ""), Place("Sao Paulo", "", "BR", "01000-000", -3, ""),
    Place("Singapore", "", "SG", "018956", 8, ""), Place("Sydney", "", "AU", "2000", 10, ""),
    Place("Mexico City", "", "MX", "06000", -6, ""), Place("Bucharest", "", "RO", "010011", 2, ""),
    Place("Lisbon", "", "PT", "1100-148", 0, ""), Place("Tokyo", "", "JP", "100-0001", 9, ""),
)
# Expats in China reach the open internet through a VPN (Astrill above all): a legitimate
# reason for the egress public reporting associates with the scheme.
CHINA_PLACES: Final = (
    Place("Shanghai", "", "CN", "200000", 8, ""), Place("Shenzhen", "", "CN", "518000", 8, ""),
)
STREETS: Final = (
    "Maple", "Oak", "Cedar", "Pine", "Elm", "Willow", "Lake", "Hill", "Park", "River",
    "Sunset", "Highland", "Meadow", "Forest", "Spring", "Ridge", "Harbor", "Mill", "Church",
    "Market", "Washington", "Lincoln", "Jefferson", "Franklin", "Madison", "Grant",
)
STREET_TYPES: Final = ("St", "Ave", "Rd", "Blvd", "Dr", "Ln", "Ct", "Way", "Pl", "Street", "Avenue")
EMAIL_PROVIDERS: Final = ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "hotmail.com",
                          "proton.me", "aol.com")
SOURCES: Final = ("LinkedIn", "Indeed", "Jobs page on your website", "Referral", "Wellfound",
                  "Glassdoor", "Dice", "ZipRecruiter")
SCHOOLS: Final = ("State University", "Institute of Technology", "Polytechnic University",
                  "College of Engineering", "University of Applied Sciences", "Tech University")
DEGREES: Final = ("B.Sc. Computer Science", "B.Eng. Software Engineering", "M.Sc. Computer Science",
                  "B.A. Economics", "B.Sc. Information Systems", "M.Sc. Data Science",
                  "B.Sc. Accounting", "B.Sc. Nursing Informatics")
EMPLOYERS: Final = ("Acme Software", "Globex Systems", "Initech", "Umbrella Digital",
                    "Stark Analytics", "Wayne Data", "Hooli Cloud", "Vandelay Tech",
                    "Soylent Labs", "Cyberdyne Apps", "Tyrell Health IT", "Wonka Payments")
SKILLS: Final = ("Python", "Go", "Java", "TypeScript", "React", "Kubernetes", "Terraform", "AWS",
                 "GCP", "PostgreSQL", "Kafka", "Swift", "Kotlin", "Selenium", "Salesforce",
                 "Figma", "Spark", "Airflow", "Django", "Node.js", "Flutter", "Epic", "SAP",
                 "Workday", "ADP", "Excel", "PyTorch", "Rust", ".NET", "Angular")
# fmt: on

# Role category (docs/formats.md section 11) -> job titles of that category.
ROLE_TITLES: Final[dict[str, tuple[str, ...]]] = {
    "software_engineering": ("Senior Backend Engineer", "Full Stack Developer",
                             "Software Engineer", "Senior Software Engineer", "Python Developer",
                             "Java Developer", "Golang Engineer", "Blockchain Developer"),
    "mobile_development": ("iOS Engineer", "Android Developer", "Mobile App Developer",
                           "React Native Developer", "Flutter Developer"),
    "web_frontend": ("Frontend Engineer (React)", "Web Developer", "UI Engineer",
                     "Angular Developer"),
    "data_ai": ("Data Engineer", "Machine Learning Engineer", "Data Scientist", "AI Engineer",
                "Analytics Engineer"),
    "devops_cloud": ("DevOps Engineer", "Site Reliability Engineer", "Cloud Engineer",
                     "Platform Engineer"),
    "security": ("Cloud Security Analyst", "Security Engineer", "SOC Analyst"),
    "qa_testing": ("QA Automation Engineer", "Test Engineer", "QA Analyst"),
    "it_support": ("IT Support Specialist", "Help Desk Technician", "Systems Administrator"),
    "customer_service_systems": ("Salesforce Developer", "Zendesk Administrator",
                                 "CRM Developer", "ServiceNow Developer"),
    "health_records": ("Epic Analyst", "EHR Integration Engineer", "Health Records Developer",
                       "Clinical Systems Analyst"),
    "payroll": ("Payroll Specialist", "Payroll Analyst", "Payroll Systems Administrator"),
    "accounting_finance": ("Payment Operations Analyst", "Staff Accountant",
                           "Accounts Payable Specialist", "Financial Analyst"),
    "design": ("Product Designer", "UX Designer", "Graphic Designer"),
    "other": ("Project Manager", "Technical Writer", "Customer Success Manager"),
}  # fmt: skip


class Sector(NamedTuple):
    name: str
    naics: tuple[str, ...]  # codes a company of this sector may have
    tech: bool
    roles: Mapping[str, float]  # role category -> weight, for legitimate hiring
    dprk_roles: Mapping[str, float]  # what the operation applies for there


_TECH_ROLES = {"software_engineering": 5, "mobile_development": 2, "web_frontend": 2,
               "data_ai": 2, "devops_cloud": 2, "security": 1, "qa_testing": 1, "design": 1,
               "other": 1}  # fmt: skip
_DPRK_TECH = {"software_engineering": 5, "mobile_development": 2, "web_frontend": 2,
              "data_ai": 2, "devops_cloud": 1.5, "qa_testing": 0.5}  # fmt: skip
SECTORS: Final[dict[str, Sector]] = {
    "tech": Sector("tech", ("511210", "513210", "518210", "519290", "541511", "541512"), True,
                   _TECH_ROLES, _DPRK_TECH),
    "finance": Sector("finance", ("522110", "522320", "523150", "524126"), False,
                      {"software_engineering": 2, "accounting_finance": 3, "payroll": 1,
                       "data_ai": 1, "it_support": 1, "security": 1, "other": 1},
                      {"software_engineering": 2, "accounting_finance": 2, "payroll": 1.5,
                       "data_ai": 0.5, "mobile_development": 0.5}),
    "healthcare": Sector("healthcare", ("621111", "622110", "621511", "623110"), False,
                         {"health_records": 2, "it_support": 2, "customer_service_systems": 1,
                          "software_engineering": 1, "other": 2},
                         {"mobile_development": 2, "customer_service_systems": 1.5,
                          "health_records": 1.5, "software_engineering": 1}),
    "public": Sector("public", ("921110", "922120", "923120", "926150"), False,
                     {"it_support": 2, "software_engineering": 1, "security": 1, "other": 2},
                     {"software_engineering": 2, "it_support": 1, "web_frontend": 1}),
    "professional": Sector("professional", ("541110", "541211", "541611", "541810"), False,
                           {"accounting_finance": 2, "it_support": 1, "design": 1, "other": 2,
                            "software_engineering": 1},
                           {"software_engineering": 2, "web_frontend": 1, "accounting_finance": 1,
                            "design": 0.5}),
    "other": Sector("other", ("449110", "336111", "484121", "611310", "445110"), False,
                    {"software_engineering": 1, "it_support": 2, "accounting_finance": 1,
                     "payroll": 1, "other": 3},
                    {"software_engineering": 1}),
}  # fmt: skip
# Share of companies in each sector, and of the operation's target choices among non-tech.
COMPANY_SECTOR_WEIGHTS: Final = {"tech": 0.45, "finance": 0.15, "healthcare": 0.12,
                                 "public": 0.06, "professional": 0.10, "other": 0.12}  # fmt: skip
DPRK_NON_TECH_WEIGHTS: Final = {"finance": 0.35, "healthcare": 0.30, "public": 0.15,
                                "professional": 0.20}  # fmt: skip
COMPANY_WORDS: Final = (
    "North", "Blue", "Bright", "Cedar", "Summit", "Harbor", "Silver", "Iron", "Clear", "Quantum",
    "Atlas", "Beacon", "Cobalt", "Delta", "Ember", "Falcon", "Granite", "Horizon", "Juniper",
    "Keystone", "Lumen", "Meridian", "Nimbus", "Orchid", "Pioneer", "Redwood", "Sterling",
    "Tidal", "Vertex", "Willow",
)  # fmt: skip
COMPANY_SUFFIX: Final = {"tech": ("Labs", "Software", "Systems", "AI", "Cloud", "Data"),
                         "finance": ("Bank", "Capital", "Payments", "Insurance", "Credit Union"),
                         "healthcare": ("Health", "Medical", "Clinic", "Care", "Hospital"),
                         "public": ("County", "City Services", "Agency", "Authority"),
                         "professional": ("Partners", "Consulting", "Advisors", "Law Group"),
                         "other": ("Logistics", "Retail", "Motors", "Foods", "College")}  # fmt: skip


class Egress(NamedTuple):
    """A block of addresses and what ipintel.csv says about it."""

    network: str  # CIDR; hosts are drawn from it
    asn: int
    as_org: str
    country: str
    kind: str  # docs/formats.md section 3
    provider: str


# Invented networks (global unicast, not real allocations) with private-use AS numbers.
# fmt: off
RESIDENTIAL: Final = {
    "US": Egress("23.112.0.0/13", 64600, "Example Cable Communications", "US", "residential", ""),
    "GB": Egress("31.48.0.0/13", 64601, "Example Broadband UK", "GB", "residential", ""),
    "CA": Egress("24.48.0.0/14", 64602, "Example Cable Canada", "CA", "residential", ""),
    "DE": Egress("37.80.0.0/13", 64603, "Example Telekom", "DE", "residential", ""),
    "NL": Egress("77.160.0.0/14", 64604, "Example Ziggo", "NL", "residential", ""),
    "PL": Egress("83.0.0.0/13", 64605, "Example Orange Polska", "PL", "residential", ""),
    "IN": Egress("49.32.0.0/13", 64606, "Example Jio Fiber", "IN", "residential", ""),
    "PH": Egress("112.198.0.0/15", 64607, "Example PLDT", "PH", "residential", ""),
    "BR": Egress("177.32.0.0/13", 64608, "Example Vivo", "BR", "residential", ""),
    "SG": Egress("116.86.0.0/15", 64609, "Example Singtel", "SG", "residential", ""),
    "AU": Egress("101.160.0.0/13", 64610, "Example Telstra", "AU", "residential", ""),
    "MX": Egress("187.128.0.0/13", 64611, "Example Telmex", "MX", "residential", ""),
    "RO": Egress("86.120.0.0/13", 64612, "Example Digi", "RO", "residential", ""),
    "PT": Egress("85.240.0.0/13", 64613, "Example MEO", "PT", "residential", ""),
    "JP": Egress("126.0.0.0/11", 64614, "Example Softbank", "JP", "residential", ""),
    "CN": Egress("58.32.0.0/13", 64615, "Example China Telecom", "CN", "residential", ""),
}
US_MOBILE: Final = Egress("172.56.0.0/14", 64620, "Example Wireless", "US", "mobile", "")
OFFICE: Final = Egress("64.124.0.0/15", 64621, "Example Business Fiber", "US", "business", "")
CAMPUS_NAT: Final = Egress("128.210.0.0/16", 64622, "Example State University", "US", "education", "")
COWORKING: Final = Egress("38.96.0.0/16", 64623, "Example Coworking Networks", "US", "business", "")
VPNS: Final = (
    Egress("45.134.0.0/17", 64630, "Astrill Systems Corp", "US", "vpn", "Astrill VPN"),
    Egress("45.134.128.0/17", 64630, "Astrill Systems Corp", "JP", "vpn", "Astrill VPN"),
    Egress("91.219.0.0/17", 64631, "Example NordVPN Servers", "US", "vpn", "NordVPN"),
    Egress("89.187.160.0/19", 64632, "Example ExpressVPN Exits", "GB", "vpn", "ExpressVPN"),
)
HOSTING: Final = (
    Egress("104.238.0.0/16", 64640, "Example Cloud Hosting", "US", "hosting", ""),
    Egress("45.76.0.0/16", 64641, "Example VPS Provider", "US", "hosting", ""),
)
RESIDENTIAL_PROXY: Final = Egress("66.135.0.0/16", 64650, "Example Residential Proxy Network", "US", "proxy", "Example Proxy")
# fmt: on
