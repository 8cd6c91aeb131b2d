"""The everyday notes answered from one note each: parking spots, appointments, work
facts, codes and numbers, preferences (part of :mod:`hei_nw.datasets.notes`)."""

from __future__ import annotations

from hei_nw.datasets.note_items import one_note_each

PARKING = one_note_each(
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

APPOINTMENTS = one_note_each(
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

WORK = one_note_each(
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

CODES = one_note_each(
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

PREFERENCES = one_note_each(
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
