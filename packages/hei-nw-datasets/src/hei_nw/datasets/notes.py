"""Everyday notes, written by hand: the dev set for "Memory that keeps time".

Eight families, as a user writes them: parking spots, appointments, work facts, codes
and numbers, preferences, changed plans (a note and, later, its update: the answer is
the newest value), notes holding several facts (asked one at a time), and questions
about things never stored (the answer is "I don't know"). Every answer is a span of
its note, so ``contains`` scores it. This is the **dev** set: steer on it; release
figures need a held-out set written apart from it.
"""

from __future__ import annotations

from dataclasses import dataclass

FAMILIES = (
    "parking",
    "appointments",
    "work",
    "codes",
    "preferences",
    "changed",
    "multi-fact",
    "never-stored",
)


@dataclass(frozen=True)
class NoteItem:
    """A question about the notes. ``notes`` are written in order before any question
    (for "changed", the old note first); ``answer`` is None when nothing stored answers
    it; ``stale`` is the superseded value a changed fact must not be answered with."""

    family: str
    notes: tuple[str, ...]
    question: str
    answer: str | None
    stale: str | None = None


def _one(family: str, rows: list[tuple[str, str, str]]) -> list[NoteItem]:
    return [NoteItem(family, (note,), question, answer) for note, question, answer in rows]


PARKING = _one(
    "parking",
    [
        (
            "I parked the car on level 3, spot B12.",
            "Where did I park the car?",
            "level 3, spot B12",
        ),
        ("The van is in the north lot, row F.", "Where is the van?", "north lot, row F"),
        (
            "Bike locked to the rack outside the library.",
            "Where is my bike?",
            "outside the library",
        ),
        (
            "Left the scooter behind the bakery on Elm Street.",
            "Where did I leave the scooter?",
            "behind the bakery on Elm Street",
        ),
        ("Airport car park P4, bay 217.", "Which bay is the car in at the airport?", "217"),
        (
            "Mum's car is parked in the visitor spaces by gate 2.",
            "Where is Mum's car parked?",
            "by gate 2",
        ),
        (
            "Parked on the second floor of the Westfield garage, near the lifts.",
            "Which floor of the Westfield garage did I park on?",
            "second floor",
        ),
        (
            "The motorbike is under the blue tarp in the yard.",
            "Where is the motorbike?",
            "under the blue tarp in the yard",
        ),
        (
            "Rental car: silver Skoda, plate KX21 ZPT, on Mill Road.",
            "What is the rental car's plate?",
            "KX21 ZPT",
        ),
        ("Hotel parking: level -2, space 44.", "Which space at the hotel parking?", "44"),
        (
            "Trailer left at Tom's farm next to the barn.",
            "Where is the trailer?",
            "next to the barn",
        ),
        (
            "Car at the station, east side, under the big oak.",
            "Where at the station is the car?",
            "under the big oak",
        ),
    ],
)

APPOINTMENTS = _one(
    "appointments",
    [
        (
            "Dentist on March 14 at 9:30 am with Dr. Okafor.",
            "When is the dentist?",
            "March 14 at 9:30 am",
        ),
        ("Haircut booked for Saturday at 11.", "When is my haircut?", "Saturday at 11"),
        (
            "Physio session Tuesday 4 pm at the Riverside clinic.",
            "Where is the physio session?",
            "Riverside clinic",
        ),
        (
            "Parent-teacher meeting on 2 May, 6:15 pm, room 12.",
            "Which room is the parent-teacher meeting in?",
            "room 12",
        ),
        (
            "Vet appointment for Biscuit on Friday at 10:40.",
            "When does Biscuit see the vet?",
            "Friday at 10:40",
        ),
        ("Eye test at Specsavers on the 21st at 2 pm.", "Where is the eye test?", "Specsavers"),
        (
            "Car service at Halford's garage, Monday 8 am drop-off.",
            "When do I drop the car off for its service?",
            "Monday 8 am",
        ),
        (
            "Dinner with Priya and Sam at Luigi's, Thursday 7:30.",
            "Who am I having dinner with on Thursday?",
            "Priya and Sam",
        ),
        (
            "Flu jab at the pharmacy on Oak Avenue, 12 October.",
            "When is the flu jab?",
            "12 October",
        ),
        (
            "Job interview with Nordwind Logistics on June 3 at 10 am, ask for Mrs. Berg.",
            "Who do I ask for at the interview?",
            "Mrs. Berg",
        ),
        ("Piano lesson moved to Wednesdays at 5.", "When are piano lessons?", "Wednesdays at 5"),
        (
            "Plumber coming between 1 and 3 pm on the 9th.",
            "When is the plumber coming?",
            "between 1 and 3 pm",
        ),
        (
            "Yoga class at the community hall every Sunday at 9.",
            "Where is the yoga class?",
            "community hall",
        ),
        (
            "Accountant call with Mr. Hale on 28 Feb at 3 pm.",
            "Who is the accountant call with?",
            "Mr. Hale",
        ),
    ],
)

WORK = _one(
    "work",
    [
        ("The Q3 report is due to Karen by Friday noon.", "Who gets the Q3 report?", "Karen"),
        (
            "Project Falcon's budget is 48,000 euros.",
            "What is Project Falcon's budget?",
            "48,000 euros",
        ),
        ("Standup moved to 9:45 in the Maple room.", "Which room is standup in?", "Maple room"),
        (
            "Our client contact at Brightwave is Omar Haddad.",
            "Who is our contact at Brightwave?",
            "Omar Haddad",
        ),
        (
            "The staging server is staging-eu-2.internal.",
            "What is the staging server?",
            "staging-eu-2.internal",
        ),
        (
            "Expense reports go to finance@company before the 25th.",
            "When are expense reports due?",
            "before the 25th",
        ),
        (
            "New intern Lena starts on Monday and sits next to Raj.",
            "Who does Lena sit next to?",
            "Raj",
        ),
        (
            "The release freeze begins on November 18.",
            "When does the release freeze begin?",
            "November 18",
        ),
        (
            "Board meeting slides are in the Shared/Board/2026 folder.",
            "Where are the board meeting slides?",
            "Shared/Board/2026",
        ),
        ("Our team's cost centre is CC-4410.", "What is our cost centre?", "CC-4410"),
        (
            "Vendor invoice from Acme is approved up to 12,500.",
            "Up to how much is the Acme invoice approved?",
            "12,500",
        ),
        (
            "The offsite is at Lake Harlow Lodge on 14-15 September.",
            "Where is the offsite?",
            "Lake Harlow Lodge",
        ),
        (
            "Security training must be finished by 30 April.",
            "By when must security training be finished?",
            "30 April",
        ),
        (
            "The printer on floor 4 is called HP-NORTH-4.",
            "What is the floor 4 printer called?",
            "HP-NORTH-4",
        ),
    ],
)

CODES = _one(
    "codes",
    [
        ("The gym locker code is 4417.", "What is the gym locker code?", "4417"),
        (
            "Garage door code: 8-3-1-9, then press enter.",
            "What is the garage door code?",
            "8-3-1-9",
        ),
        (
            "Wi-Fi at the cabin: network PineHollow, password larch-river-72.",
            "What is the Wi-Fi password at the cabin?",
            "larch-river-72",
        ),
        (
            "Parcel tracking number 1Z 999 AA1 0123 4567 84.",
            "What is the parcel tracking number?",
            "1Z 999 AA1 0123 4567 84",
        ),
        (
            "Order number for the sofa: SO-2026-88412.",
            "What is the sofa's order number?",
            "SO-2026-88412",
        ),
        ("Bike lock combination is 0-5-9-2.", "What is the bike lock combination?", "0-5-9-2"),
        ("The office alarm code is 73915.", "What is the office alarm code?", "73915"),
        (
            "My library card number is 2100 4789 3321.",
            "What is my library card number?",
            "2100 4789 3321",
        ),
        (
            "Booking reference for the hotel: QX7-LM42.",
            "What is the hotel booking reference?",
            "QX7-LM42",
        ),
        (
            "Flight LH 2231 to Lisbon leaves at 06:55.",
            "What is the flight number to Lisbon?",
            "LH 2231",
        ),
        (
            "The boiler model is Vaillant ecoTEC plus 832.",
            "What model is the boiler?",
            "Vaillant ecoTEC plus 832",
        ),
        ("Warranty claim number WC-771-0045.", "What is the warranty claim number?", "WC-771-0045"),
        (
            "Key safe at the holiday flat opens with 2580.",
            "What opens the key safe at the holiday flat?",
            "2580",
        ),
        (
            "Membership number at the climbing gym: CLB-30917.",
            "What is my climbing gym membership number?",
            "CLB-30917",
        ),
    ],
)

PREFERENCES = _one(
    "preferences",
    [
        (
            "Ana takes her tea without sugar, with a splash of oat milk.",
            "How does Ana take her tea?",
            "without sugar",
        ),
        ("Dad is allergic to peanuts.", "What is Dad allergic to?", "peanuts"),
        (
            "Jonah's favourite cake is carrot cake.",
            "What is Jonah's favourite cake?",
            "carrot cake",
        ),
        (
            "Grandma prefers window seats on trains.",
            "Which seats does Grandma prefer on trains?",
            "window seats",
        ),
        ("Mia doesn't eat meat but eats fish.", "What does Mia eat besides vegetables?", "fish"),
        ("Leo's shoe size is 43.", "What is Leo's shoe size?", "43"),
        (
            "The boss likes reports as PDF, never Word.",
            "In what format does the boss like reports?",
            "PDF",
        ),
        (
            "Sofia's favourite flowers are ranunculus.",
            "What are Sofia's favourite flowers?",
            "ranunculus",
        ),
        (
            "Kai wants the birthday party at the trampoline park.",
            "Where does Kai want the birthday party?",
            "trampoline park",
        ),
        (
            "Neighbour Mrs. Patel prefers to be called Asha.",
            "What does Mrs. Patel prefer to be called?",
            "Asha",
        ),
        ("Ben drinks his coffee as a flat white.", "How does Ben drink his coffee?", "flat white"),
        ("Our cat only eats the salmon flavour.", "Which flavour does the cat eat?", "salmon"),
    ],
)

CHANGED = [
    NoteItem("changed", (old, new), question, answer, stale)
    for old, new, question, answer, stale in [
        (
            "The team meeting is in room 101 on Mondays.",
            "The team meeting moved to room 7.",
            "Which room is the team meeting in?",
            "room 7",
            "room 101",
        ),
        (
            "Lunch with Ana is on Friday at noon.",
            "Lunch with Ana is now Thursday at noon.",
            "What day is lunch with Ana?",
            "Thursday",
            "Friday",
        ),
        (
            "The van is parked in bay 101.",
            "The van is now parked in bay 214.",
            "Which bay is the van parked in?",
            "214",
            "101",
        ),
        (
            "My new phone number ends in 4471.",
            "My phone number changed: it now ends in 9023.",
            "What does my phone number end in?",
            "9023",
            "4471",
        ),
        (
            "The wedding is at St Mary's church.",
            "The wedding venue changed to the Old Mill.",
            "Where is the wedding?",
            "Old Mill",
            "St Mary's",
        ),
        (
            "The Wi-Fi password is maple-cloud-5.",
            "New Wi-Fi password: birch-stone-8.",
            "What is the Wi-Fi password?",
            "birch-stone-8",
            "maple-cloud-5",
        ),
        (
            "Football practice is on Tuesdays.",
            "Football practice moved to Wednesdays.",
            "When is football practice?",
            "Wednesdays",
            "Tuesdays",
        ),
        (
            "The project deadline is May 30.",
            "The project deadline was pushed to June 20.",
            "When is the project deadline?",
            "June 20",
            "May 30",
        ),
        (
            "Our landlord is Mr. Grant.",
            "The flat was sold: our landlord is now Ms. Ortiz.",
            "Who is our landlord?",
            "Ms. Ortiz",
            "Mr. Grant",
        ),
        (
            "The book club meets at Clara's house.",
            "Book club now meets at the Corner Café.",
            "Where does the book club meet?",
            "Corner Café",
            "Clara's house",
        ),
        (
            "Pick up the kids at 3:15.",
            "School pick-up is at 2:45 from now on.",
            "What time is school pick-up?",
            "2:45",
            "3:15",
        ),
        (
            "The spare key is under the blue flowerpot.",
            "I moved the spare key to the shed, top shelf.",
            "Where is the spare key?",
            "shed, top shelf",
            "blue flowerpot",
        ),
    ]
]

_MULTI = [
    (
        "Trip to Porto: flight TP 1337 on July 4, hotel Casa Azul, pickup by Rui at 6 pm.",
        [
            ("What is the flight to Porto?", "TP 1337"),
            ("Which hotel in Porto?", "Casa Azul"),
            ("Who picks us up in Porto?", "Rui"),
        ],
    ),
    (
        "New colleague Dana: desk 14B, extension 2231, starts on the 8th.",
        [("Which desk is Dana at?", "14B"), ("What is Dana's extension?", "2231")],
    ),
    (
        "Sister's flat: 5th floor, door code 1966, the bell says Moreau.",
        [
            ("Which floor is my sister's flat on?", "5th floor"),
            ("What is the door code at my sister's flat?", "1966"),
            ("What name is on my sister's bell?", "Moreau"),
        ],
    ),
    (
        "Recipe for Nan's soup: two leeks, one celeriac, simmer 40 minutes.",
        [
            ("How long does Nan's soup simmer?", "40 minutes"),
            ("How many leeks go into Nan's soup?", "two"),
        ],
    ),
    (
        "Insurance: policy HX-55210 with Lumen Mutual, renews on 1 March.",
        [
            ("What is the insurance policy number?", "HX-55210"),
            ("Which company is the insurance with?", "Lumen Mutual"),
            ("When does the insurance renew?", "1 March"),
        ],
    ),
    (
        "Babysitter Noor: 12 euros an hour, free on Tuesdays and Fridays.",
        [
            ("How much does Noor charge?", "12 euros an hour"),
            ("Which days is Noor free?", "Tuesdays and Fridays"),
        ],
    ),
    (
        "Concert: Arctic Lights at the Roundhouse, doors 7 pm, seats row K 21-22.",
        [
            ("Where is the Arctic Lights concert?", "Roundhouse"),
            ("Which seats do we have for the concert?", "row K 21-22"),
        ],
    ),
    (
        "Garden: tomatoes in bed 2, beans in bed 4, water every second day.",
        [
            ("Which bed are the beans in?", "bed 4"),
            ("How often do I water the garden?", "every second day"),
        ],
    ),
    (
        "Moving day is 12 August; the van from Hertz is booked 8 am to 6 pm; Pavel helps.",
        [("When is moving day?", "12 August"), ("Who helps on moving day?", "Pavel")],
    ),
    (
        "Tax return: deadline 31 July, documents in the green folder, advisor fee 180 euros.",
        [
            ("Where are the tax documents?", "green folder"),
            ("What is the tax advisor's fee?", "180 euros"),
        ],
    ),
]
MULTI_FACT = [
    NoteItem("multi-fact", (note,), question, answer)
    for note, asked in _MULTI
    for question, answer in asked
]

NEVER_STORED = [
    NoteItem("never-stored", (), question, None)
    for question in [
        "What is my bank PIN?",
        "Where is the car insurance certificate?",
        "When is Ben's birthday?",
        "What is the alarm code at Grandma's house?",
        "Who is the head of the IT department?",
        "What time does the pharmacy close on Sundays?",
        "Where are the winter tyres stored?",
        "What is the door code at work?",
        "Which hotel are we staying at in Madrid?",
        "What is Lena's phone number?",
        "When is the next dentist appointment for the kids?",
        "What size are the kitchen curtains?",
        "Where did I put the passport?",
        "What is the registration number of the motorbike?",
        "Who recommended the plumber?",
        "How much was the electricity bill last month?",
    ]
]

ITEMS: tuple[NoteItem, ...] = (
    *PARKING,
    *APPOINTMENTS,
    *WORK,
    *CODES,
    *PREFERENCES,
    *CHANGED,
    *MULTI_FACT,
    *NEVER_STORED,
)
"""Every question, in family order."""


def stored_notes() -> list[str]:
    """Every note, once, in the order a user wrote them: each family's notes, and the
    updates of changed facts last (written later, after other notes)."""
    first = [item.notes[0] for item in ITEMS if item.notes]
    updates = [note for item in ITEMS for note in item.notes[1:]]
    return list(dict.fromkeys([*first, *updates]))
