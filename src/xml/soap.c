/* SPDX-License-Identifier: MIT */
/* SOAP 1.1 escaping and fault envelopes (see soap.h). */
#include "xml/soap.h"

#include <string.h>

int soap_escape(struct ow_buf *b, const char *s)
{
	int rc = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && rc == 0; p++) {
		switch (*p) {
		case '&': rc = ow_buf_adds(b, "&amp;"); break;
		case '<': rc = ow_buf_adds(b, "&lt;"); break;
		case '>': rc = ow_buf_adds(b, "&gt;"); break;
		case '"': rc = ow_buf_adds(b, "&quot;"); break;
		case '\'': rc = ow_buf_adds(b, "&apos;"); break;
		default:
			if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
				rc = ow_buf_adds(b, "\xEF\xBF\xBD");
			else
				rc = ow_buf_add(b, p, 1);
		}
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
