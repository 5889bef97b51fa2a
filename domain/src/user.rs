//! Who uses Kefu and what each role may do.

use crate::case::string_enum;

string_enum! {
    /// A staff member's role. Each role may do everything the ones before it may.
    Role {
        Agent = "agent",
        Supervisor = "supervisor",
        Admin = "admin",
    }
}

impl Role {
    fn rank(self) -> u8 {
        match self {
            Role::Agent => 1,
            Role::Supervisor => 2,
            Role::Admin => 3,
        }
    }

    /// Whether someone with this role may do what `required` may.
    pub fn includes(self, required: Role) -> bool {
        self.rank() >= required.rank()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_agent_supervisor_admin() {
        let table = [
            (Role::Agent, Role::Agent, true),
            (Role::Agent, Role::Supervisor, false),
            (Role::Agent, Role::Admin, false),
            (Role::Supervisor, Role::Agent, true),
            (Role::Supervisor, Role::Supervisor, true),
            (Role::Supervisor, Role::Admin, false),
            (Role::Admin, Role::Agent, true),
            (Role::Admin, Role::Supervisor, true),
            (Role::Admin, Role::Admin, true),
        ];
        for (have, need, ok) in table {
            assert_eq!(have.includes(need), ok, "{have} includes {need}");
        }
    }
}
