//! The audit view's rows and the lines they are drawn as: oldest first, with an incident
//! heading wherever the incident changes. Rows only ever arrive at the end (the journal is
//! append-only), so a row's line never moves once placed: cursors and scroll offsets stay
//! valid as the journal grows.

use super::source::JournalRow;

/// One line of the audit view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimelineLine {
    /// A heading naming the incident of the row at this index and the rows after it.
    Incident(usize),
    /// The row at this index.
    Row(usize),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeline {
    rows: Vec<JournalRow>,
    lines: Vec<TimelineLine>,
    /// The line of each row.
    row_line: Vec<usize>,
    /// The incident of the current group; records without one (session open and seal)
    /// stay in the group they were written in.
    group: Option<String>,
}

impl Timeline {
    pub fn new(rows: Vec<JournalRow>) -> Timeline {
        let mut t = Timeline::default();
        t.extend(rows);
        t
    }

    pub fn extend(&mut self, rows: Vec<JournalRow>) {
        self.rows.reserve(rows.len());
        for row in rows {
            let i = self.rows.len();
            if !row.warning
                && !row.incident.is_empty()
                && self.group.as_deref() != Some(&row.incident)
            {
                self.group = Some(row.incident.clone());
                self.lines.push(TimelineLine::Incident(i));
            }
            self.row_line.push(self.lines.len());
            self.lines.push(TimelineLine::Row(i));
            self.rows.push(row);
        }
    }

    pub fn rows(&self) -> &[JournalRow] {
        &self.rows
    }

    pub fn lines(&self) -> &[TimelineLine] {
        &self.lines
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The line a row is drawn on (0 for an empty timeline).
    pub fn line_of(&self, row: usize) -> usize {
        self.row_line
            .get(row)
            .or(self.row_line.last())
            .copied()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(incident: &str, step: &str) -> JournalRow {
        JournalRow {
            incident: incident.into(),
            step_id: step.into(),
            ..JournalRow::default()
        }
    }

    #[test]
    fn headings_mark_each_change_of_incident_and_session_records_stay_in_their_group() {
        let mut t = Timeline::new(vec![row("", "open"), row("INC-1", "a"), row("INC-1", "b")]);
        t.extend(vec![
            row("", "seal"),
            row("INC-2", "c"),
            JournalRow::warning("broken"),
            row("INC-2", "d"),
        ]);
        use TimelineLine::*;
        assert_eq!(
            t.lines(),
            [
                Row(0),
                Incident(1),
                Row(1),
                Row(2),
                Row(3),
                Incident(4),
                Row(4),
                Row(5),
                Row(6)
            ]
        );
        assert_eq!(t.line_of(4), 6);
        assert_eq!(t.line_of(99), 8);
        assert_eq!(Timeline::default().line_of(0), 0);
    }
}
