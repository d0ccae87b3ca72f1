/* SPDX-License-Identifier: MIT */
/*
 * SOAP 1.1 writing helpers shared by the MS-WUSP and MS-WSUSSS services:
 * text escaping and the fault envelope WSUS sends, whose <ErrorCode> drives
 * a Windows client's recovery path (InvalidCookie, CookieExpired, ...).
 *
 *   <soap:Fault><faultcode>soap:Client</faultcode>
 *     <faultstring>Fault occurred</faultstring>
 *     <detail><ErrorCode>InvalidCookie</ErrorCode><Message>...</Message>
 *       <ID>6e8d0c3a-...</ID><Method>"http://.../SyncUpdates"</Method></detail>
 *   </soap:Fault>
 */
#ifndef OW_XML_SOAP_H
#define OW_XML_SOAP_H

#include "base/buf.h"

/* Appends s with &, <, >, " and ' escaped; control characters other than
 * tab, CR and LF (not allowed in XML 1.0) become U+FFFD. */
int soap_escape(struct ow_buf *b, const char *s) OW_WUR;

struct soap_fault {
	int client;                 /* soap:Client (caller's fault) or soap:Server */
	const char *error_code;     /* MS-WUSP ErrorCode, e.g. "InvalidCookie" */
	const char *message;
	const char *actor;          /* URL of the service, or NULL */
	const char *method;         /* SOAPAction as received, or NULL */
};

/* Appends a complete SOAP 1.1 fault envelope (UTF-8, with XML declaration). */
int soap_fault_write(struct ow_buf *b, const struct soap_fault *f) OW_WUR;

#define SOAP_CONTENT_TYPE "text/xml; charset=utf-8"

#endif
