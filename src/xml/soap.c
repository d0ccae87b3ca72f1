/* SPDX-License-Identifier: MIT */
/* SOAP 1.1 escaping and fault envelopes (see soap.h). */
#include "xml/soap.h"

#include <string.h>

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if it is not one
 * (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t utf8_len(const unsigned char *p)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0))
			return 0; /* overlong, or a surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

int soap_escape(struct ow_buf *b, const char *s)
{
	static const char fffd[] = "\xEF\xBF\xBD";
	const unsigned char *p = (const unsigned char *)s;
	int rc = 0;

	while (*p && rc == 0) {
		const unsigned char *run = p;
		size_t n;

		/* The longest run that needs no escaping goes out in one call. */
		for (;;) {
			unsigned char c = *p;

			if (c == 0 || c == '&' || c == '<' || c == '>' || c == '"' || c == '\'')
				break;
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				break;
			if (c < 0x80) {
				p++;
				continue;
			}
			if ((n = utf8_len(p)) == 0)
				break;
			p += n;
		}
		if (p > run && (rc = ow_buf_add(b, run, (size_t)(p - run))) < 0)
			break;
		switch (*p) {
		case '\0': continue;
		case '&': rc = ow_buf_adds(b, "&amp;"); break;
		case '<': rc = ow_buf_adds(b, "&lt;"); break;
		case '>': rc = ow_buf_adds(b, "&gt;"); break;
		case '"': rc = ow_buf_adds(b, "&quot;"); break;
		case '\'': rc = ow_buf_adds(b, "&apos;"); break;
		/* A control character XML 1.0 does not allow, or a byte that is
		 * not UTF-8 (text from peers may be any bytes): U+FFFD keeps the
		 * envelope XML. */
		default: rc = ow_buf_adds(b, fffd); break;
		}
		p++;
	}
	return rc;
}

int soap_fault_write(struct ow_buf *b, const struct soap_fault *f)
{
	char id[37];
	int rc;

	if ((rc = ow_uuid4(id)) < 0)
		return rc;
	rc = ow_buf_printf(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
			      "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
			      "<soap:Body><soap:Fault><faultcode>soap:%s</faultcode>"
			      "<faultstring>",
			   f->client ? "Client" : "Server");
	if (rc == 0)
		rc = soap_escape(b, f->message ? f->message : "Fault occurred");
	if (rc == 0)
		rc = ow_buf_adds(b, "</faultstring>");
	if (rc == 0 && f->actor) {
		rc = ow_buf_adds(b, "<faultactor>");
		if (rc == 0)
			rc = soap_escape(b, f->actor);
		if (rc == 0)
			rc = ow_buf_adds(b, "</faultactor>");
	}
	if (rc == 0)
		rc = ow_buf_adds(b, "<detail><ErrorCode>");
	if (rc == 0)
		rc = soap_escape(b, f->error_code);
	if (rc == 0)
		rc = ow_buf_adds(b, "</ErrorCode><Message>");
	if (rc == 0)
		rc = soap_escape(b, f->message ? f->message : "");
	if (rc == 0)
		rc = ow_buf_printf(b, "</Message><ID>%s</ID>", id);
	if (rc == 0 && f->method) {
		rc = ow_buf_adds(b, "<Method>");
		if (rc == 0)
			rc = soap_escape(b, f->method);
		if (rc == 0)
			rc = ow_buf_adds(b, "</Method>");
	}
	if (rc == 0)
		rc = ow_buf_adds(b, "</detail></soap:Fault></soap:Body></soap:Envelope>");
	return rc;
}
