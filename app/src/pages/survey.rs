//! The survey a customer opens from the link in an SMS or e-mail, with no account: on a phone
//! first, in their language, greeting them by given name only. Opening it records nothing; only
//! "Submit" does. A used or expired link, or one that is not valid, gets a page that says so.

use std::collections::BTreeMap;

use domain::api::{PublicSurvey, SurveySubmission};
use domain::questionnaire::{Answer, Question, QuestionKind, Text};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiError};
use crate::components::shell::LanguageSwitch;
use crate::components::feedback::Loading;
use crate::i18n::{use_i18n, Lang};

#[component]
pub fn SurveyPage() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let survey = LocalResource::new(move || api::public_survey(token()));
    // The institution's name once the survey is loaded; Kefu's own until then.
    let institution = RwSignal::new(None::<Text>);
    view! {
        <main class="public-page survey-page" id="main" lang=move || i18n.get().code()>
            <div class="page-head">
                <div class="brand public-brand">
                    <span class="brand-mark" aria-hidden="true">"客"</span>
                    <span class="brand-name" data-testid="survey-institution">
                        {move || institution.get().map_or_else(|| i18n.get().t().brand.to_string(), |t| t.get(i18n.get().code()).to_string())}
                    </span>
                </div>
                <LanguageSwitch/>
            </div>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match survey.await {
                        Ok(s) => view! { <SurveyForm survey=s token=token() institution/> }.into_any(),
                        Err(ApiError::Api { status: 410, .. }) => view! {
                            <Notice testid="survey-gone"
                                title=move || tr("此链接已使用或已过期", "This link has been used or has expired")
                                text=move || tr("感谢您的关注。每个调查链接只能提交一次，并在有效期内使用。如需反馈，欢迎随时联系我们。",
                                    "Thank you. Each survey link can be answered once, within its time. You are always welcome to contact us.")/>
                        }.into_any(),
                        Err(ApiError::Api { status: 404, .. }) => view! {
                            <Notice testid="survey-not-found"
                                title=move || tr("链接无效", "This link is not valid")
                                text=move || tr("请检查短信或邮件中的链接是否完整。", "Please check that the link from your message is complete.")/>
                        }.into_any(),
                        Err(e) => view! {
                            <section class="card survey-notice" role="alert" data-testid="survey-error">
                                <h1>{move || tr("暂时无法打开调查", "The survey can't be opened right now")}</h1>
                                <p>{move || e.message(i18n.get())}</p>
                                <button type="button" class="button primary" on:click=move |_| survey.refetch()>{move || tr("重试", "Try again")}</button>
                            </section>
                        }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn Notice(testid: &'static str, title: impl Fn() -> &'static str + Send + Sync + 'static, text: impl Fn() -> &'static str + Send + Sync + 'static) -> impl IntoView {
    view! {
        <section class="card survey-notice" data-testid=testid>
            <h1>{title}</h1>
            <p>{text}</p>
        </section>
    }
}

/// What the customer has put in so far, by question id.
#[derive(Clone, Default)]
struct Draft {
    scores: BTreeMap<String, u8>,
    choices: BTreeMap<String, Vec<u32>>,
    texts: BTreeMap<String, String>,
}

impl Draft {
    fn answers(&self, questions: &[Question]) -> Vec<Answer> {
        questions
            .iter()
            .filter_map(|q| {
                let a = Answer { question: q.id.clone(), ..Answer::default() };
                match q.kind {
                    QuestionKind::Csat | QuestionKind::Nps => self.scores.get(&q.id).map(|s| Answer { score: Some(*s), ..a }),
                    QuestionKind::SingleChoice | QuestionKind::MultipleChoice => {
                        self.choices.get(&q.id).filter(|c| !c.is_empty()).map(|c| Answer { choices: c.clone(), ..a })
                    }
                    QuestionKind::FreeText => self.texts.get(&q.id).filter(|t| !t.trim().is_empty()).map(|t| Answer { text: Some(t.clone()), ..a }),
                }
            })
            .collect()
    }

    /// The first required question without an answer.
    fn missing(&self, questions: &[Question]) -> Option<String> {
        let answered = self.answers(questions);
        questions.iter().find(|q| q.required && !answered.iter().any(|a| a.question == q.id)).map(|q| q.id.clone())
    }
}

#[component]
fn SurveyForm(survey: PublicSurvey, token: String, institution: RwSignal<Option<Text>>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    // The page starts in the customer's language; they may switch.
    i18n.0.set(if survey.lang == "en" { Lang::En } else { Lang::Zh });
    let draft = RwSignal::new(Draft::default());
    let problem = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let sending = RwSignal::new(false);
    let done = RwSignal::new(false);
    let questions = StoredValue::new(survey.questions.clone());
    // Once pointed at, the "please answer" mark moves on as the customer answers.
    Effect::new(move |_| {
        let missing = draft.with(|d| d.missing(&questions.get_value()));
        if problem.get_untracked().is_some() && error.get_untracked().is_none() && problem.get_untracked() != missing {
            problem.set(missing);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let d = draft.get_untracked();
        let qs = questions.get_value();
        if let Some(missing) = d.missing(&qs) {
            problem.set(Some(missing.clone()));
            focus_question(&missing);
            return;
        }
        problem.set(None);
        error.set(None);
        sending.set(true);
        let token = token.clone();
        spawn_local(async move {
            let result = api::answer_survey(token, SurveySubmission { answers: d.answers(&qs) }).await;
            sending.set(false);
            match result {
                Ok(_) => done.set(true),
                Err(e) => {
                    // A field like answers[2].score names the answer; point at its question.
                    let index = e.field().and_then(|f| f.strip_prefix("answers[")).and_then(|f| f.split(']').next()).and_then(|n| n.parse::<usize>().ok());
                    if let Some(q) = index.and_then(|i| d.answers(&qs).get(i).map(|a| a.question.clone())) {
                        problem.set(Some(q));
                    }
                    error.set(Some(e));
                }
            }
        });
    };
    institution.set(Some(survey.institution.clone()));
    let first_name = survey.first_name.clone();
    let title = survey.title.clone();
    view! {
        <Show when=move || !done.get() fallback=move || view! {
            <section class="card survey-notice" role="status" data-testid="survey-thanks">
                <h1>{move || tr("感谢您的反馈！", "Thank you for your answers!")}</h1>
                <p>{move || tr("您的意见将帮助我们改进服务。", "What you told us helps us serve you better.")}</p>
            </section>
        }>
            <h1 data-testid="survey-title">{
                let title = title.clone();
                move || title.get(i18n.get().code()).to_string()
            }</h1>
            <p class="survey-greeting" data-testid="survey-greeting">{
                let name = first_name.clone();
                move || if i18n.get() == Lang::En { format!("Hello {name}, it takes about a minute.") } else { format!("{name}，您好！本调查约需一分钟。") }
            }</p>
            <form class="survey-form" on:submit=submit.clone() novalidate data-testid="survey-form">
                {questions.get_value().into_iter().enumerate().map(|(n, q)| view! { <QuestionField n=n + 1 question=q draft problem/> }).collect_view()}
                {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="survey-error">{e.message(i18n.get())}</p> })}
                {move || problem.get().filter(|_| error.get().is_none()).map(|_| view! {
                    <p class="form-error" role="alert" data-testid="survey-missing">{tr("请回答标有 * 的问题。", "Please answer the questions marked *.")}</p>
                })}
                <button type="submit" class="button primary survey-submit" data-testid="survey-submit" disabled=move || sending.get()>
                    {move || if sending.get() { i18n.get().t().saving } else { tr("提交", "Submit") }}
                </button>
                <p class="hint">{move || tr("我们不会通过调查向您索要密码、验证码或银行卡信息。", "We never ask for passwords, codes or card details in a survey.")}</p>
            </form>
        </Show>
    }
}

fn focus_question(id: &str) {
    if let Some(el) = document().get_element_by_id(&format!("q-{id}")) {
        el.scroll_into_view();
        if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
            let _ = el.focus();
        }
    }
}

#[component]
fn QuestionField(n: usize, question: Question, draft: RwSignal<Draft>, problem: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let id = question.id.clone();
    let invalid = {
        let id = id.clone();
        move || (problem.get().as_deref() == Some(id.as_str())).to_string()
    };
    let text = question.text.clone();
    let legend = move || format!("{n}. {}", text.get(i18n.get().code()));
    let body = match question.kind {
        QuestionKind::Csat | QuestionKind::Nps => {
            let (low, high, ends) = if question.kind == QuestionKind::Csat {
                (1u8, 5u8, (("非常不满意", "Very dissatisfied"), ("非常满意", "Very satisfied")))
            } else {
                (0u8, 10u8, (("完全不可能", "Not at all likely"), ("非常可能", "Extremely likely")))
            };
            let scale = (low..=high)
                .map(|score| {
                    let (qid, qid2) = (id.clone(), id.clone());
                    view! {
                        <label class="scale-option" data-testid=format!("survey-{}-{score}", id)>
                            <input type="radio" name=format!("q-{}", id) value=score.to_string()
                                prop:checked=move || draft.with(|d| d.scores.get(&qid) == Some(&score))
                                on:change=move |_| draft.update(|d| { d.scores.insert(qid2.clone(), score); })/>
                            <span>{score}</span>
                        </label>
                    }
                })
                .collect_view();
            view! {
                <div class=if question.kind == QuestionKind::Nps { "scale scale-11" } else { "scale" }>{scale}</div>
                <div class="scale-ends" aria-hidden="true"><span>{move || tr(ends.0.0, ends.0.1)}</span><span>{move || tr(ends.1.0, ends.1.1)}</span></div>
            }
            .into_any()
        }
        QuestionKind::SingleChoice | QuestionKind::MultipleChoice => {
            let multiple = question.kind == QuestionKind::MultipleChoice;
            question
                .options
                .iter()
                .cloned()
                .enumerate()
                .map(|(k, option)| {
                    let k = k as u32;
                    let (qid, qid2) = (id.clone(), id.clone());
                    view! {
                        <label class="check choice">
                            <input type=if multiple { "checkbox" } else { "radio" } name=format!("q-{}", id) data-testid=format!("survey-{}-opt-{k}", id)
                                prop:checked=move || draft.with(|d| d.choices.get(&qid).is_some_and(|c| c.contains(&k)))
                                on:change=move |_| draft.update(|d| {
                                    let chosen = d.choices.entry(qid2.clone()).or_default();
                                    if !multiple {
                                        *chosen = vec![k];
                                    } else if let Some(at) = chosen.iter().position(|c| *c == k) {
                                        chosen.remove(at);
                                    } else {
                                        chosen.push(k);
                                    }
                                })/>
                            {move || option.get(i18n.get().code()).to_string()}
                        </label>
                    }
                })
                .collect_view()
                .into_any()
        }
        QuestionKind::FreeText => {
            let (qid, qid2) = (id.clone(), id.clone());
            view! {
                <textarea rows="4" maxlength=domain::questionnaire::ANSWER_MAX.to_string() aria-labelledby=format!("q-{}-legend", id)
                    data-testid=format!("survey-{}-text", id)
                    prop:value=move || draft.with(|d| d.texts.get(&qid).cloned().unwrap_or_default())
                    on:input=move |ev| draft.update(|d| { d.texts.insert(qid2.clone(), event_target_value(&ev)); })></textarea>
            }
            .into_any()
        }
    };
    view! {
        <fieldset class="card question" id=format!("q-{}", id) tabindex="-1" aria-invalid=invalid aria-required=question.required.to_string()
            data-testid=format!("survey-q-{}", id)>
            <legend id=format!("q-{}-legend", id)>
                {legend}
                {question.required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
                {(!question.required).then(|| view! { <span class="muted">{move || tr("（选填）", " (optional)")}</span> })}
            </legend>
            {body}
        </fieldset>
    }
}

/// A survey as the customer will see it, for an admin writing or choosing a template: the same
/// questions, answerable to try them, inside a phone-wide frame, with nothing to submit.
#[component]
pub fn SurveyPreview(#[prop(into)] title: Signal<Text>, #[prop(into)] questions: Signal<Vec<Question>>) -> impl IntoView {
    let i18n = use_i18n();
    let draft = RwSignal::new(Draft::default());
    let problem = RwSignal::new(None::<String>);
    view! {
        <div class="survey-preview" data-testid="survey-preview" role="group" aria-label=move || i18n.get().tr("客户所见预览", "Preview as the customer sees it")>
            <h3 class="survey-preview-title">{move || title.with(|t| t.get(i18n.get().code()).to_string())}</h3>
            {move || questions.get().into_iter().enumerate().map(|(n, q)| view! { <QuestionField n=n + 1 question=q draft problem/> }).collect_view()}
        </div>
    }
}
