"""The everyday notes that need more than one note or none: changed plans (a note and,
later, its update), notes holding several facts, and questions about things never
stored (part of :mod:`hei_nw.datasets.notes`)."""

from __future__ import annotations

from hei_nw.datasets.note_items import NoteItem

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
