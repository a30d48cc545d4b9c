//! The demo's people: who works at Acme, in which job, department and groups, and under whom,
//! and the email address each gets.

/// (first, last, job, department, manager index, groups, gender)
pub(super) type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<usize>,
    &'static [&'static str],
    &'static str,
);

/// One person a line; a manager index points at an earlier line.
#[rustfmt::skip]
pub(super) const PEOPLE: &[Row] = &[
    ("Alex", "Morgan", "Chief Executive Officer", "Management", None, &["Leadership", "Berlin Office"], "female"),
    ("Jonas", "Brandt", "VP Engineering", "Engineering", Some(0), &["Leadership", "Berlin Office"], "male"),
    ("Chloé", "Martin", "VP Sales", "Sales", Some(0), &["Leadership", "Paris Office"], "female"),
    ("Priya", "Nair", "Head of People", "People", Some(0), &["Leadership", "Remote"], "female"),
    ("Tomás", "Weber", "Head of Finance", "Finance", Some(0), &["Leadership", "Berlin Office"], "male"),
    ("Sam", "Lee", "Backend Engineer", "Engineering", Some(1), &["Berlin Office", "Mentors"], "male"),
    ("Lena", "Hoffmann", "Backend Engineer", "Engineering", Some(1), &["Berlin Office"], "female"),
    ("Marco", "Rossi", "Frontend Engineer", "Engineering", Some(1), &["Remote"], "male"),
    ("Aiko", "Tanaka", "Site Reliability Engineer", "Engineering", Some(1), &["Remote", "Mentors"], "female"),
    ("Noah", "Fischer", "Engineering Manager", "Engineering", Some(1), &["Berlin Office"], "male"),
    ("Emma", "Schulz", "Backend Engineer", "Engineering", Some(9), &["Berlin Office"], "female"),
    ("Lucas", "Dubois", "Mobile Engineer", "Engineering", Some(9), &["Paris Office"], "male"),
    ("Sofia", "García", "QA Engineer", "Engineering", Some(9), &["Remote"], "female"),
    ("Yusuf", "Demir", "Data Engineer", "Engineering", Some(9), &["Berlin Office"], "male"),
    ("Hannah", "Becker", "Product Designer", "Engineering", Some(1), &["Berlin Office", "Mentors"], "female"),
    ("Olivia", "Bernard", "Account Executive", "Sales", Some(2), &["Paris Office"], "female"),
    ("Hugo", "Laurent", "Account Executive", "Sales", Some(2), &["Paris Office"], "male"),
    ("Mia", "Wagner", "Sales Development Rep", "Sales", Some(2), &["Berlin Office"], "female"),
    ("Louis", "Petit", "Sales Development Rep", "Sales", Some(2), &["Paris Office"], "male"),
    ("Ines", "Moreau", "Sales Manager", "Sales", Some(2), &["Paris Office", "Mentors"], "female"),
    ("Gabriel", "Roux", "Account Executive", "Sales", Some(19), &["Paris Office"], "male"),
    ("Zoe", "Fournier", "Customer Success Manager", "Customer Support", Some(2), &["Remote"], "female"),
    ("Ethan", "Klein", "Support Engineer", "Customer Support", Some(21), &["Remote"], "male"),
    ("Clara", "Wolf", "Support Engineer", "Customer Support", Some(21), &["Berlin Office"], "female"),
    ("Felix", "Neumann", "Support Engineer", "Customer Support", Some(21), &["Berlin Office"], "male"),
    ("Amara", "Okafor", "Recruiter", "People", Some(3), &["Remote"], "female"),
    ("Daniel", "Costa", "People Partner", "People", Some(3), &["Remote", "Mentors"], "male"),
    ("Julia", "Schröder", "Office Manager", "People", Some(3), &["Berlin Office"], "female"),
    ("Ben", "Carter", "Accountant", "Finance", Some(4), &["Berlin Office"], "male"),
    ("Nora", "Lindqvist", "Financial Analyst", "Finance", Some(4), &["Remote"], "female"),
    ("Paul", "Richter", "Payroll Specialist", "Finance", Some(4), &["Berlin Office"], "male"),
    ("Elena", "Popescu", "Marketing Manager", "Marketing", Some(0), &["Remote"], "female"),
    ("Theo", "Girard", "Content Writer", "Marketing", Some(31), &["Paris Office"], "male"),
    ("Lea", "Krause", "Growth Marketer", "Marketing", Some(31), &["Berlin Office"], "female"),
    ("Omar", "Haddad", "Brand Designer", "Marketing", Some(31), &["Remote"], "male"),
    ("Ava", "Nowak", "Backend Engineer", "Engineering", Some(9), &["Remote"], "female"),
    ("Leon", "Zimmermann", "Security Engineer", "Engineering", Some(1), &["Berlin Office"], "male"),
    ("Maya", "Cohen", "Data Analyst", "Finance", Some(4), &["Remote"], "female"),
    ("Victor", "Lambert", "Solutions Engineer", "Sales", Some(2), &["Paris Office"], "male"),
    ("Isla", "Murphy", "Support Engineer", "Customer Support", Some(21), &["Remote"], "female"),
    ("Kenji", "Sato", "Former Engineer", "Engineering", Some(1), &[], "male"),
];

/// "Chloé", "Martin" → "chloe.martin@acme.example".
pub(super) fn email(first: &str, last: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                'é' | 'è' => 'e',
                'í' => 'i',
                'á' => 'a',
                'ö' => 'o',
                c => c,
            })
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_lowercase()
    };
    format!("{}.{}@acme.example", clean(first), clean(last))
}
