"""A real SMTP server for tests (Debian's python3-aiosmtpd): every message received is parsed with
Python's e-mail package and written as JSON to the output directory, one file per message.
Usage: python3 smtp-sink.py PORT OUTDIR; prints "ready" when listening, stops when stdin closes."""
import email
import json
import os
import sys
from email import policy

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out):
        self.out = out
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=policy.default)
        plain = message.get_body(preferencelist=('plain',))
        self.count += 1
        record = {
            'mailFrom': envelope.mail_from,
            'rcptTos': envelope.rcpt_tos,
            'from': str(message['from']),
            'to': str(message['to']),
            'subject': str(message['subject']),
            'rawSubject': email.message_from_bytes(raw, policy=policy.compat32)['subject'],
            'contentType': message.get_content_type(),
            'charset': plain.get_content_charset() if plain else None,
            'text': plain.get_content() if plain else None,
        }
        path = os.path.join(self.out, '%05d.json' % self.count)
        with open(path + '.tmp', 'w', encoding='utf-8') as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(path + '.tmp', path)
        return '250 Message accepted for delivery'


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(out), hostname='127.0.0.1', port=port)
    controller.start()
    print('ready', flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == '__main__':
    main()
