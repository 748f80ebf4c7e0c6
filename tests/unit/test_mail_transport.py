"""How the mailer reads PORTAL_SMTP_URL and judges an SMTP server's refusals."""

import pytest

from workers.mail_transport import Bounced, FolderTransport, SmtpTransport, TryLater, failure, message, transport_from


def test_smtp_urls_choose_tls_port_and_login():
    starttls = SmtpTransport("smtp://ann%40corp:p%3Ass@mail.example.com")
    implicit = SmtpTransport("smtps://mail.example.com")
    plain = SmtpTransport("smtp://127.0.0.1:2525?tls=off")

    assert (starttls.port, starttls.starttls, starttls.user, starttls.password) == (587, True, "ann@corp", "p:ss")
    assert (implicit.port, implicit.implicit_tls) == (465, True)
    assert (plain.port, plain.starttls) == (2525, False)


def test_a_url_that_is_not_smtp_is_refused():
    with pytest.raises(SystemExit):
        SmtpTransport("http://mail.example.com")


@pytest.mark.parametrize(("code", "kind"), [(550, Bounced), (554, Bounced), (450, TryLater), (421, TryLater)])
def test_permanent_refusals_bounce_and_temporary_ones_wait(code, kind):
    assert type(failure(code, b"mailbox unavailable")) is kind


def test_without_smtp_url_mail_goes_to_the_folder(tmp_path):
    transport = transport_from({"PORTAL_MAIL_DIR": str(tmp_path)})

    assert isinstance(transport, FolderTransport)
    transport.send(message("0b1d", "Portal <no-reply@portal.test>", "ann@example.com", "Hi", "Text"))
    assert (tmp_path / "0b1d.eml").read_bytes().count(b"Subject: Hi") == 1


def test_without_any_destination_the_mailer_refuses_to_start():
    with pytest.raises(SystemExit):
        transport_from({})


def test_the_mailer_log_shows_a_recipient_only_masked() -> None:
    from workers.mailer import masked

    assert masked("ann.example@corp.example.com") == "a***@corp.example.com"
    assert "ann" not in masked("ann@x.co")
