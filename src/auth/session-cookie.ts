/** The name of the cookie that carries a signed-in session. */
export const SESSION_COOKIE = 'muster_session';
