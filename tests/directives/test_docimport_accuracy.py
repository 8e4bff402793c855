"""The parser on the corpus of real documents (``tests/corpus/``): the issue's targets, kept.

The expected fields were written by hand from each published document; ``make bench`` prints
the same figures field by field. A change that makes the parser read real documents worse
fails here.
"""

from bench.parsing_score import FIELDS, evaluate

FIELD_TARGET = 0.95
TASK_TARGET = 0.90


def test_the_corpus_holds_enough_real_documents():
    summary = evaluate()
    assert len(summary.documents) >= 16
    assert sum(d.tasks_expected for d in summary.documents) >= 100


def test_at_least_95_percent_of_fields_are_read_right():
    summary = evaluate()
    assert summary.fields_right >= FIELD_TARGET, summary.field_accuracy


def test_at_least_90_percent_of_tasks_are_found_with_their_lead_and_deadline():
    summary = evaluate()
    assert summary.tasks_right >= TASK_TARGET


def test_no_field_is_read_wrong_in_more_than_one_document_in_five():
    accuracy = evaluate().field_accuracy
    assert set(accuracy) == set(FIELDS)
    assert min(accuracy.values()) >= 0.8, accuracy


def test_the_documents_kept_aside_while_tuning_are_read_as_well():
    held_out = evaluate(held_out=True)
    assert len(held_out.documents) == 5
    assert held_out.fields_right >= 0.9
