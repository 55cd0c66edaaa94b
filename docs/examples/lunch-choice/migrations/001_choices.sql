-- One choice per registration: the plugin's own table, p_<name>_... with '-' as '_'.
CREATE TABLE p_lunch_choice_choices (
    registration_id INTEGER PRIMARY KEY,
    meal            TEXT NOT NULL,
    chosen_at       TEXT NOT NULL
);
