"""Form templates: loading and checking, binding to case data, drafts."""
