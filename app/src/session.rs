//! Who is signed in, shared through context. Checked once with `/api/me` when the app starts.

use domain::api::User;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;

#[derive(Clone, Copy)]
pub struct Session {
    pub user: RwSignal<Option<User>>,
    /// False until the server has said whether the browser's cookie is a session.
    pub checked: RwSignal<bool>,
}

impl Session {
    pub fn provide() {
        let session = Session { user: RwSignal::new(None), checked: RwSignal::new(false) };
        spawn_local(async move {
            session.user.set(api::me().await.ok());
            session.checked.set(true);
        });
        provide_context(session);
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
