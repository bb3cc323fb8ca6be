"""The ``CASEWORK_*`` readers fail loudly, naming the variable, on values they cannot use."""

import pytest

from casework.core.env import (
    ConfigurationError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
)


@pytest.mark.parametrize("raw", ["1", "true", "Yes", " on "])
def test_env_bool_reads_true_spellings(raw):
    assert env_bool("FLAG", False, environ={"CASEWORK_FLAG": raw}) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_env_bool_reads_false_spellings(raw):
    assert env_bool("FLAG", True, environ={"CASEWORK_FLAG": raw}) is False


def test_env_bool_refuses_an_unknown_word_and_names_the_variable():
    with pytest.raises(ConfigurationError, match="CASEWORK_DEBUG") as error:
        env_bool("DEBUG", False, environ={"CASEWORK_DEBUG": "maybe"})
    assert "'maybe'" in str(error.value)


def test_env_bool_uses_the_default_only_when_unset():
    assert env_bool("FLAG", True, environ={}) is True


def test_env_int_refuses_a_non_number_and_names_the_variable():
    with pytest.raises(ConfigurationError, match="CASEWORK_EMAIL_PORT must be a whole number"):
        env_int("EMAIL_PORT", 587, environ={"CASEWORK_EMAIL_PORT": "smtp"})


def test_env_int_refuses_a_value_below_its_minimum():
    with pytest.raises(
        ConfigurationError, match="CASEWORK_SESSION_IDLE_MINUTES must be at least 1"
    ):
        env_int(
            "SESSION_IDLE_MINUTES", 30, minimum=1, environ={"CASEWORK_SESSION_IDLE_MINUTES": "0"}
        )


def test_env_int_reads_a_number_and_defaults_when_blank():
    assert env_int("N", 5, environ={"CASEWORK_N": "12"}) == 12
    assert env_int("N", 5, environ={"CASEWORK_N": "  "}) == 5


def test_env_choice_refuses_a_value_outside_its_choices():
    with pytest.raises(
        ConfigurationError, match="CASEWORK_PROFILE must be one of demo, production"
    ):
        env_choice("PROFILE", "demo", ("demo", "production"), environ={"CASEWORK_PROFILE": "prod"})


def test_env_choice_is_case_insensitive():
    environ = {"CASEWORK_PROFILE": "Production"}
    assert env_choice("PROFILE", "demo", ("demo", "production"), environ=environ) == "production"


def test_env_list_splits_on_commas_and_drops_blanks():
    environ = {"CASEWORK_ALLOWED_HOSTS": " a.example.org, ,b.example.org "}
    assert env_list("ALLOWED_HOSTS", [], environ=environ) == ["a.example.org", "b.example.org"]


def test_env_str_returns_the_default_when_unset():
    assert env_str("EMAIL_HOST", "localhost", environ={}) == "localhost"
