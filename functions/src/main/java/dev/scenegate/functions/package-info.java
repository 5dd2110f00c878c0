/** Cloud Functions entry points: thin classes that decode an event and hand it to a handler. */
package dev.scenegate.functions;
