/** Everything of the transcoder is internal: it offers only {@link org.stateos.api.media.TranscodeService}. */
package org.stateos.transcoder.internal;
