//! The company's shape: executives, departments with their titles, and who reports to whom.

/// A C-suite seat: title, department, and whether it exists only in larger companies.
pub struct Seat {
    pub title: &'static str,
    pub dept: usize,
}

/// In creation order: a 50-person company has the first four.
pub const CSUITE: [Seat; 10] = [
    Seat {
        title: "Chief Executive Officer",
        dept: EXEC_OFFICE,
    },
    Seat {
        title: "President",
        dept: EXEC_OFFICE,
    },
    Seat {
        title: "Chief Financial Officer",
        dept: FINANCE,
    },
    Seat {
        title: "Chief Operating Officer",
        dept: OPERATIONS,
    },
    Seat {
        title: "Chief Revenue Officer",
        dept: SALES,
    },
    Seat {
        title: "Chief Information Officer",
        dept: IT,
    },
    Seat {
        title: "Chief Technology Officer",
        dept: ENGINEERING,
    },
    Seat {
        title: "General Counsel",
        dept: LEGAL,
    },
    Seat {
        title: "Chief People Officer",
        dept: HR,
    },
    Seat {
        title: "Chief Marketing Officer",
        dept: MARKETING,
    },
];

pub const EXEC_OFFICE: usize = 0;
pub const FINANCE: usize = 1;
pub const SALES: usize = 2;
pub const ACCOUNT_MANAGEMENT: usize = 3;
pub const OPERATIONS: usize = 4;
pub const ENGINEERING: usize = 6;
pub const IT: usize = 7;
pub const HR: usize = 8;
pub const LEGAL: usize = 9;
pub const MARKETING: usize = 10;

pub struct Dept {
    pub name: &'static str,
    pub weight: u32,
    /// Index into CSUITE of the executive the department's VPs report to.
    pub exec: usize,
    pub vp: &'static str,
    pub directors: &'static [&'static str],
    pub managers: &'static [&'static str],
    /// Staff titles with weights.
    pub staff: &'static [(&'static str, u32)],
    /// Everyone here is close to money (the campaign's targets).
    pub money: bool,
}

pub const DEPTS: [Dept; 12] = [
    Dept {
        name: "Executive Office",
        weight: 1,
        exec: 0,
        vp: "Chief of Staff",
        directors: &["Director of Strategy"],
        managers: &["Office Manager"],
        staff: &[("Executive Assistant", 1)],
        money: true,
    },
    Dept {
        name: "Finance",
        weight: 8,
        exec: 2,
        vp: "VP of Finance",
        directors: &["Controller", "Treasurer", "Director of Financial Planning"],
        managers: &[
            "Accounting Manager",
            "Accounts Payable Manager",
            "Payroll Manager",
        ],
        staff: &[
            ("Accountant", 5),
            ("Senior Accountant", 3),
            ("Financial Analyst", 4),
            ("Accounts Payable Specialist", 4),
            ("Accounts Receivable Specialist", 3),
            ("Payroll Specialist", 2),
            ("Treasury Analyst", 1),
        ],
        money: true,
    },
    Dept {
        name: "Sales",
        weight: 13,
        exec: 4,
        vp: "VP of Sales",
        directors: &["Sales Director", "Regional Sales Director"],
        managers: &["Sales Manager", "Regional Sales Manager"],
        staff: &[
            ("Account Executive", 5),
            ("Sales Representative", 5),
            ("Sales Development Representative", 3),
            ("Inside Sales Representative", 2),
        ],
        money: true,
    },
    Dept {
        name: "Account Management",
        weight: 8,
        exec: 4,
        vp: "VP of Customer Accounts",
        directors: &["Director of Account Management"],
        managers: &["Account Management Team Lead"],
        staff: &[
            ("Account Manager", 6),
            ("Senior Account Manager", 3),
            ("Key Account Manager", 2),
        ],
        money: true,
    },
    Dept {
        name: "Operations",
        weight: 14,
        exec: 3,
        vp: "VP of Operations",
        directors: &["Director of Operations"],
        managers: &[
            "Operations Manager",
            "Warehouse Manager",
            "Logistics Manager",
        ],
        staff: &[
            ("Operations Analyst", 4),
            ("Logistics Coordinator", 4),
            ("Supply Chain Analyst", 3),
            ("Facilities Coordinator", 2),
            ("Operations Specialist", 4),
        ],
        money: false,
    },
    Dept {
        name: "Procurement",
        weight: 4,
        exec: 3,
        vp: "VP of Supply Chain",
        directors: &["Director of Procurement"],
        managers: &["Procurement Manager"],
        staff: &[
            ("Buyer", 3),
            ("Procurement Specialist", 3),
            ("Purchasing Agent", 2),
        ],
        money: false,
    },
    Dept {
        name: "Engineering",
        weight: 15,
        exec: 6,
        vp: "VP of Engineering",
        directors: &["Director of Engineering"],
        managers: &["Engineering Manager"],
        staff: &[
            ("Software Engineer", 6),
            ("Senior Software Engineer", 4),
            ("QA Engineer", 2),
            ("DevOps Engineer", 2),
            ("Data Engineer", 2),
        ],
        money: false,
    },
    Dept {
        name: "Information Technology",
        weight: 6,
        exec: 5,
        vp: "VP of Information Technology",
        directors: &["Director of IT"],
        managers: &["IT Manager", "Service Desk Manager"],
        staff: &[
            ("Service Desk Analyst", 5),
            ("Systems Administrator", 3),
            ("Cloud Administrator", 2),
            ("Network Engineer", 2),
            ("Security Analyst", 2),
        ],
        money: false,
    },
    Dept {
        name: "Human Resources",
        weight: 4,
        exec: 8,
        vp: "VP of People",
        directors: &["Director of Talent"],
        managers: &["HR Manager"],
        staff: &[
            ("HR Generalist", 3),
            ("Recruiter", 3),
            ("HR Business Partner", 2),
            ("Benefits Specialist", 1),
        ],
        money: false,
    },
    Dept {
        name: "Legal",
        weight: 3,
        exec: 7,
        vp: "Deputy General Counsel",
        directors: &["Associate General Counsel"],
        managers: &["Senior Counsel"],
        staff: &[
            ("Paralegal", 3),
            ("Corporate Counsel", 2),
            ("Compliance Analyst", 2),
        ],
        money: false,
    },
    Dept {
        name: "Marketing",
        weight: 6,
        exec: 9,
        vp: "VP of Marketing",
        directors: &["Director of Marketing"],
        managers: &["Marketing Manager"],
        staff: &[
            ("Marketing Specialist", 4),
            ("Content Strategist", 2),
            ("Graphic Designer", 2),
            ("Digital Marketing Analyst", 2),
        ],
        money: false,
    },
    Dept {
        name: "Customer Support",
        weight: 10,
        exec: 3,
        vp: "VP of Customer Experience",
        directors: &["Director of Customer Support"],
        managers: &["Support Manager"],
        staff: &[
            ("Customer Support Representative", 6),
            ("Support Engineer", 3),
            ("Customer Success Specialist", 2),
        ],
        money: false,
    },
];

/// How many C-suite seats a company of `members` people fills.
pub fn csuite_seats(members: usize) -> usize {
    (members / 12).clamp(4, CSUITE.len()).min(members)
}

/// Split `total` over the departments by weight (largest remainder, deterministic).
pub fn department_sizes(total: usize) -> [usize; DEPTS.len()] {
    let sum: u64 = DEPTS.iter().map(|d| u64::from(d.weight)).sum();
    let mut sizes = [0usize; DEPTS.len()];
    let mut rema: Vec<(u64, usize)> = Vec::with_capacity(DEPTS.len());
    let mut given = 0;
    for (i, d) in DEPTS.iter().enumerate() {
        let exact = total as u64 * u64::from(d.weight);
        sizes[i] = (exact / sum) as usize;
        given += sizes[i];
        rema.push((exact % sum, i));
    }
    // Largest remainders first; ties go to the lower index.
    rema.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in rema.iter().take(total - given) {
        sizes[i] += 1;
    }
    sizes
}

/// The layers of one department of `d` people: (VPs, directors, managers).
pub fn layers(d: usize) -> (usize, usize, usize) {
    if d == 0 {
        return (0, 0, 0);
    }
    let vps = (d / 1500 + 1).min(6);
    let dirs = if d >= 15 { (d / 60).max(1) } else { 0 };
    let mgrs = if d >= 6 { (d / 9).max(1) } else { 0 };
    let heads = vps + dirs + mgrs;
    if heads >= d {
        (1, 0, 0)
    } else {
        (vps, dirs, mgrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn departments_add_up_and_layers_fit() {
        for total in [0, 1, 7, 46, 991, 9_990, 99_990] {
            let sizes = department_sizes(total);
            assert_eq!(sizes.iter().sum::<usize>(), total);
            for d in sizes {
                let (v, dir, m) = layers(d);
                assert!(v + dir + m <= d);
                assert!(d == 0 || v >= 1);
            }
        }
        assert_eq!(csuite_seats(50), 4);
        assert_eq!(csuite_seats(100_000), CSUITE.len());
    }
}
